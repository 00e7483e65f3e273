package locale

import (
	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
)

// Catalog returns the messages of l's catalog file by id: the text of each
// plural form it defines ("other" alone for a plain message).
func Catalog(l Lang) (map[string]map[string]string, error) {
	data, err := catalogFS.ReadFile("catalog/" + string(l) + ".toml")
	if err != nil {
		return nil, err
	}
	mf, err := i18n.ParseMessageFileBytes(data, string(l)+".toml", map[string]i18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, m := range mf.Messages {
		forms := map[string]string{}
		for name, text := range map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other} {
			if text != "" {
				forms[name] = text
			}
		}
		out[m.ID] = forms
	}
	return out, nil
}
