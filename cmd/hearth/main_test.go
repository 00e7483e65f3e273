package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
)

// runMain runs the command line with the given environment and returns the
// exit status and what it printed.
func runMain(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	m := NewMain(&out, &errb)
	m.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestMain_Version(t *testing.T) {
	code, out, _ := runMain(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "hearth ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestMain_Usage(t *testing.T) {
	code, _, errOut := runMain(t, nil, "frobnicate")
	if code != 2 || !strings.Contains(errOut, "unknown command") || !strings.Contains(errOut, "check-config") {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

func TestMain_CheckConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hearth.toml")
	conf := "[discord]\ntoken = \"file-token-SECRET\"\n[database]\ndsn = \"/var/lib/hearth/hearth.db\"\n"
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		code, out, errOut := runMain(t, map[string]string{"HEARTH_LOG_LEVEL": "debug"}, "check-config", "-config", path)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{`dsn = "/var/lib/hearth/hearth.db"`, `level = "debug"`, `token = "********"`, "[alerts]"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "SECRET") {
			t.Errorf("the token is printed")
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		code, _, errOut := runMain(t, map[string]string{"HEARTH_DATABASE_DRIVER": "oracle"}, "check-config", "-config", path)
		if code != 1 || !strings.Contains(errOut, "database.driver") || !strings.Contains(errOut, `"sqlite" or "postgres"`) {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrUnknownKey", func(t *testing.T) {
		bad := filepath.Join(dir, "bad.toml")
		if err := os.WriteFile(bad, []byte("[discord]\ntokn = \"x\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runMain(t, nil, "check-config", "-config", bad)
		if code != 1 || !strings.Contains(errOut, "discord.tokn") {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		code, _, errOut := runMain(t, nil, "check-config", "-config", filepath.Join(dir, "nope.toml"))
		if code != 1 || !strings.Contains(errOut, "nope.toml") {
			t.Errorf("exit %d: %s", code, errOut)
		}
	})
}

func TestMain_RunNeedsToken(t *testing.T) {
	code, _, errOut := runMain(t, map[string]string{"HEARTH_DATABASE_DSN": filepath.Join(t.TempDir(), "h.db")}, "run")
	if code != 1 || !strings.Contains(errOut, "discord.token") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// TestConfigExample keeps config.example.toml honest: it loads without
// unknown keys, every key it sets is the default, and every key of the
// configuration is documented in it.
func TestConfigExample(t *testing.T) {
	cfg, err := LoadConfig("../../config.example.toml", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	want := hearth.DefaultConfig()
	cfg.Security.OldEncryptionKeys, want.Security.OldEncryptionKeys = nil, nil
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("config.example.toml differs from the defaults:\n got %+v\nwant %+v", cfg, want)
	}
	text, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	v := reflect.ValueOf(want)
	for i := range v.NumField() {
		section := v.Type().Field(i).Tag.Get("toml")
		if !strings.Contains(string(text), "["+section+"]") {
			t.Errorf("section [%s] is not in config.example.toml", section)
		}
		for j := range v.Field(i).NumField() {
			key := v.Field(i).Type().Field(j).Tag.Get("toml")
			if !regexp.MustCompile(`(?m)^` + key + ` = `).Match(text) {
				t.Errorf("%s.%s is not documented in config.example.toml", section, key)
			}
		}
	}
}
