package webhook

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// FileTarget is one webhook of a YAML configuration file:
//
//	webhooks:
//	  - url: https://crm.example.com/hooks/leadscore
//	    secret_file: /etc/leadscore/crm.secret
//	  - name: slack-bridge
//	    url: https://bridge.example.com/leadscore
//	    secret_file: /etc/leadscore/bridge.secret
//	    events: [tier_changed]
type FileTarget struct {
	Name       string   `yaml:"name"`
	URL        string   `yaml:"url"`
	SecretFile string   `yaml:"secret_file"`
	Events     []string `yaml:"events"`
}

type fileConfig struct {
	Webhooks []FileTarget `yaml:"webhooks"`
}

// LoadTargets builds the targets of the command line and of a
// configuration file: urls[i] is signed with the secret in secretFiles[i]
// (--webhook-url and --webhook-secret-file, repeatable, paired in order),
// then every webhook of configFile (--webhook-config, "" for none). A
// secret file holds the secret on its first line (trailing white space is
// dropped) and is readable and writable by its owner only.
func LoadTargets(urls, secretFiles []string, configFile string) ([]Target, error) {
	if len(urls) != len(secretFiles) {
		return nil, fmt.Errorf("--webhook-url given %d times and --webhook-secret-file %d times: give each URL its secret file, in the same order", len(urls), len(secretFiles))
	}
	var out []Target
	for i, u := range urls {
		sec, err := ReadSecret(secretFiles[i])
		if err != nil {
			return nil, fmt.Errorf("--webhook-secret-file: %w", err)
		}
		t := Target{URL: u, Secret: sec}
		if err := checkTarget(&t); err != nil {
			return nil, fmt.Errorf("--webhook-url: %w", err)
		}
		out = append(out, t)
	}
	if configFile == "" {
		return out, nil
	}
	data, err := os.ReadFile(configFile)
	if err != nil {
		return nil, fmt.Errorf("--webhook-config: %w", err)
	}
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil {
		return nil, fmt.Errorf("--webhook-config %s: %w (expected a list under webhooks: with url, secret_file and optional name and events)", configFile, err)
	}
	if len(fc.Webhooks) == 0 {
		return nil, fmt.Errorf("--webhook-config %s: no webhooks: list them under webhooks:, each with url and secret_file", configFile)
	}
	for i, ft := range fc.Webhooks {
		where := fmt.Sprintf("--webhook-config %s: webhooks[%d]", configFile, i)
		if ft.URL == "" {
			return nil, fmt.Errorf("%s: url is missing", where)
		}
		if ft.SecretFile == "" {
			return nil, fmt.Errorf("%s: secret_file is missing", where)
		}
		sec, err := ReadSecret(ft.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("%s: secret_file: %w", where, err)
		}
		t := Target{Name: ft.Name, URL: ft.URL, Secret: sec, Events: ft.Events}
		if err := checkTarget(&t); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// ReadSecret reads a webhook secret: the file's first line without
// trailing white space. The file must not be readable or writable by group
// or others (chmod 600), and the secret must not be empty.
func ReadSecret(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s: mode %04o lets group or others read it; chmod 600 %s", path, st.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	data = bytes.TrimRight(data, " \t\r")
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: the secret is empty; write it on the first line (openssl rand -hex 32 > %s)", path, path)
	}
	return data, nil
}
