package main

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

func TestAutocomplete_TimezoneAndGroup(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	h.createGroup("Anger Circle")
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: h.members[0]}); err != nil {
		t.Fatal(err)
	}
	choices := func(user, command, focused string, opts ...*discordgo.ApplicationCommandInteractionDataOption) []string {
		t.Helper()
		ix := h.fake.Autocomplete(h.as(user), command, focused, opts...)
		r, err := ix.WaitFinal(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range r.Choices {
			out = append(out, c.Name)
		}
		return out
	}
	tests := []struct {
		name    string
		user    string
		command string
		focused string
		typed   string
		want    []string // first choices, in order
		count   int      // -1: any
	}{
		{"ZonePrefix", h.admin, "group create", "timezone", "Europe/Mad", []string{"Europe/Madrid"}, 1},
		{"ZoneCity", h.admin, "group edit", "timezone", "new york", []string{"America/New_York"}, 1},
		{"ZoneEmpty", h.admin, "group create", "timezone", "", nil, 25},
		{"ZoneUnknown", h.admin, "group create", "timezone", "Mars", nil, 0},
		{"AdminSeesAllGroups", h.admin, "group edit", "group", "an", []string{"Anger Circle", "Anxiety Circle"}, 2},
		{"JoinHidesMyGroups", h.members[0], "join", "group", "", []string{"Anger Circle"}, 1},
		{"LeaveShowsMyGroups", h.members[0], "leave", "group", "", []string{"Anxiety Circle"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := choices(tt.user, tt.command, tt.focused, discordtest.Str(tt.focused, tt.typed))
			if tt.count >= 0 && len(got) != tt.count {
				t.Errorf("%d choices %v, want %d", len(got), got, tt.count)
			}
			for i, w := range tt.want {
				if i >= len(got) || got[i] != w {
					t.Errorf("choices %v, want %v first", got, tt.want)
					break
				}
			}
		})
	}
}

// TestAutocomplete_IntegerValues: the choices for the integer option
// `alert` carry JSON numbers, as Discord requires of an integer option.
func TestAutocomplete_IntegerValues(t *testing.T) {
	h := start(t)
	h.setupGroup()
	mustEphemeral(t, struggle(h, h.members[0], "today", false, ""))
	ix := h.fake.Autocomplete(h.as(h.fac), "alerts resolve", "alert", discordtest.Str("alert", ""))
	if _, err := ix.WaitFinal(h.ctx()); err != nil {
		t.Fatal(err)
	}
	calls := h.fake.CallsTo("POST", "/interactions/*/*/callback")
	var body struct {
		Type int `json:"type"`
		Data struct {
			Choices []struct {
				Name  string          `json:"name"`
				Value json.RawMessage `json:"value"`
			} `json:"choices"`
		} `json:"data"`
	}
	if err := json.Unmarshal(calls[len(calls)-1].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) || len(body.Data.Choices) != 1 {
		t.Fatalf("callback %d with %d choices, want one alert", body.Type, len(body.Data.Choices))
	}
	var n int64
	if err := json.Unmarshal(body.Data.Choices[0].Value, &n); err != nil || n != 1 {
		t.Errorf("choice value %s, want the number 1", body.Data.Choices[0].Value)
	}
}
