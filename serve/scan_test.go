package serve

import (
	"math/rand/v2"
	"testing"
)

// TestPlainRun checks the word-at-a-time scan against the byte table on
// random strings rich in quotes, backslashes, control and high bytes.
func TestPlainRun(t *testing.T) {
	slow := func(b []byte, i int) int {
		for i < len(b) && plain[b[i]] {
			i++
		}
		return i
	}
	alphabet := []byte{'a', 'Z', ' ', '"', '\\', 0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa2, 0xdc, 0xff}
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 20000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[i] = byte(rng.IntN(256))
			}
		}
		for i := 0; i <= len(b); i++ {
			if got, want := plainRun(b, i), slow(b, i); got != want {
				t.Fatalf("trial %d: plainRun(%q, %d) = %d, want %d", trial, b, i, got, want)
			}
		}
	}
}
