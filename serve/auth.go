package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math"
	"net"
	"os"
	"strings"
)

// Key scopes. An admin key may also score and read the metrics; a metrics
// key may only read /metrics and the detailed /readyz (with
// --protect-metrics).
const (
	ScopeScore   = "score"
	ScopeAdmin   = "admin"
	ScopeMetrics = "metrics"
)

const (
	scopeNone    = 0
	scopeScore   = 1
	scopeAdmin   = 2
	scopeMetrics = 3
)

// allows reports whether a key of scope got may use an endpoint that
// needs scope want.
func allows(got, want int) bool {
	return got == want || got == scopeAdmin && want != scopeNone
}

type apiKey struct {
	hash  [sha256.Size]byte
	scope int
}

// keyring holds the API keys, hashed so every comparison has a fixed length.
type keyring struct {
	keys []apiKey
	weak []keyWarning // keys with little entropy, by line
}

// minKeyBits is the entropy below which a key draws a warning.
const minKeyBits = 64

// keyWarning is a key with little entropy: its line and estimated bits.
type keyWarning struct{ line, bits int }

// loadKeys reads an API keys file: one "KEY SCOPE" per line, scope score,
// admin or metrics; blank lines and lines starting with # are ignored. A
// file that group or others may write is refused (anyone who can write it
// can add an admin key). Keys with fewer than minKeyBits of estimated
// entropy are returned as warnings.
func loadKeys(path string) (*keyring, []keyWarning, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("api keys: %w", err)
	}
	if st.Mode().Perm()&0o022 != 0 {
		return nil, nil, fmt.Errorf("api keys file %s is writable by group or others (mode %04o): anyone who can write it can add an admin key; chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("api keys: %w", err)
	}
	kr, err := parseKeys(data, path)
	if err != nil {
		return nil, nil, err
	}
	return kr, kr.weak, nil
}

// keyBits estimates a key's entropy in bits: its length times the Shannon
// entropy of its characters, no more than its length times log2 of the
// alphabet its character classes span (digits, lower case, upper case,
// other printable). A random hex key of 48 characters has 192 bits;
// "aaaaaaaaaaaaaaaa" none; "password12345678" about 56.
func keyBits(key string) int {
	if key == "" {
		return 0
	}
	counts := map[rune]int{}
	n := 0
	var digit, lower, upper, other bool
	for _, r := range key {
		counts[r]++
		n++
		switch {
		case '0' <= r && r <= '9':
			digit = true
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upper = true
		default:
			other = true
		}
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	alphabet := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{digit, 10}, {lower, 26}, {upper, 26}, {other, 33}} {
		if c.on {
			alphabet += c.size
		}
	}
	return int(float64(n) * min(h, math.Log2(float64(alphabet))))
}

func parseKeys(data []byte, path string) (*keyring, error) {
	kr := &keyring{}
	seen := map[[sha256.Size]byte]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("api keys file %s line %d: expected \"KEY SCOPE\" (two words, scope score or admin), got %d words", path, n, len(f))
		}
		var k apiKey
		switch f[1] {
		case ScopeScore:
			k.scope = scopeScore
		case ScopeAdmin:
			k.scope = scopeAdmin
		case ScopeMetrics:
			k.scope = scopeMetrics
		default:
			return nil, fmt.Errorf("api keys file %s line %d: scope %q is not score, admin or metrics", path, n, f[1])
		}
		if len(f[0]) < 16 {
			return nil, fmt.Errorf("api keys file %s line %d: key is %d characters; use at least 16 (e.g. openssl rand -hex 24)", path, n, len(f[0]))
		}
		if bits := keyBits(f[0]); bits < minKeyBits {
			kr.weak = append(kr.weak, keyWarning{line: n, bits: bits})
		}
		k.hash = sha256.Sum256([]byte(f[0]))
		if seen[k.hash] {
			return nil, fmt.Errorf("api keys file %s line %d: the key is listed twice", path, n)
		}
		seen[k.hash] = true
		kr.keys = append(kr.keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("api keys file %s: %w", path, err)
	}
	if len(kr.keys) == 0 {
		return nil, fmt.Errorf("api keys file %s holds no keys; add lines \"KEY SCOPE\"", path)
	}
	return kr, nil
}

// scopeOf returns the scope of token (scopeNone if unknown), comparing it
// with every key in constant time.
func (kr *keyring) scopeOf(token string) int {
	h := sha256.Sum256([]byte(token))
	scope := scopeNone
	for i := range kr.keys {
		eq := subtle.ConstantTimeCompare(h[:], kr.keys[i].hash[:])
		scope = subtle.ConstantTimeSelect(eq, kr.keys[i].scope, scope)
	}
	return scope
}

// bearer extracts the token of an "Authorization: Bearer TOKEN" header.
func bearer(h string) (string, bool) {
	const p = "bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	t := strings.TrimSpace(h[len(p):])
	return t, t != ""
}

// isLoopback reports whether addr (HOST:PORT) listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func scopeName(scope int) string {
	switch scope {
	case scopeScore:
		return ScopeScore
	case scopeAdmin:
		return ScopeAdmin
	case scopeMetrics:
		return ScopeMetrics
	}
	return "none"
}
