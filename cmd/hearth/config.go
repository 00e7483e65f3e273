package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/hearthbot/hearth"
)

// LoadConfig builds the configuration: defaults, the TOML file laid over them
// (path, or config.toml when path is empty and that file exists), then
// HEARTH_SECTION_KEY environment overrides; then it validates the result.
func LoadConfig(path string, getenv func(string) (string, bool)) (hearth.Config, error) {
	cfg := hearth.DefaultConfig()
	explicit := path != ""
	if !explicit {
		path = "config.toml"
	}
	md, err := toml.DecodeFile(path, &cfg)
	switch {
	case err == nil:
		if und := md.Undecoded(); len(und) > 0 {
			keys := make([]string, len(und))
			for i, k := range und {
				keys[i] = k.String()
			}
			sort.Strings(keys)
			return cfg, fmt.Errorf("%s: unknown key(s) %s; see config.example.toml for the accepted keys", path, strings.Join(keys, ", "))
		}
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		// No file: defaults and environment only.
	default:
		return cfg, fmt.Errorf("read configuration %s: %w", path, err)
	}
	if err := cfg.ApplyEnv(getenv); err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func (m *Main) runCheckConfig(_ context.Context, args []string) error {
	fs, path := m.flags("check-config")
	cfg, err := m.parse(fs, path, args)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "# effective configuration (secrets masked)")
	return toml.NewEncoder(m.Stdout).Encode(cfg.Redacted())
}
