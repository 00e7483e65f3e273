package discordtest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

// rawCall sends one request as a client that ignores every header would,
// and returns the status, the decoded JSON body and the headers.
func rawCall(t *testing.T, srv *discordtest.Server, method, path string, body any) (int, map[string]any, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bot "+srv.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out, resp.Header
}

// formErrorAt checks Discord's 50035 shape and that the errors tree has an
// "_errors" leaf at path.
func formErrorAt(t *testing.T, status int, body map[string]any, path string) {
	t.Helper()
	if status != http.StatusBadRequest || body["code"] != float64(50035) || body["message"] != "Invalid Form Body" {
		t.Fatalf("answer = %d %v, want 400 code 50035 Invalid Form Body", status, body)
	}
	node, _ := body["errors"].(map[string]any)
	for _, p := range strings.Split(path, ".") {
		next, ok := node[p].(map[string]any)
		if !ok {
			t.Fatalf("errors tree %v has no %q (looking for %s)", body["errors"], p, path)
		}
		node = next
	}
	if leaf, ok := node["_errors"].([]any); !ok || len(leaf) == 0 {
		t.Fatalf("errors tree at %s = %v, want _errors", path, node)
	}
}

func repeat(n int) string { return strings.Repeat("a", n) }

func fields(n, nameLen, valueLen int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"name": repeat(nameLen), "value": repeat(valueLen)}
	}
	return out
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprint(100000 + i)
	}
	return out
}

func buttons(n int, customID, label string) map[string]any {
	row := make([]map[string]any, n)
	for i := range row {
		row[i] = map[string]any{"type": 2, "style": 1, "label": label, "custom_id": fmt.Sprintf("%s%d", customID, i)}
	}
	return map[string]any{"type": 1, "components": row}
}

func TestServer_MessageLimits(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithRouteRateLimit(0, 0), discordtest.WithGlobalRateLimit(0))
	w := setup(srv)
	path := "/channels/" + w.channel + "/messages"
	embed := func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name     string
		ok, over map[string]any
		path     string // where the refusal points
	}{
		{"Content", map[string]any{"content": repeat(2000)}, map[string]any{"content": repeat(2001)}, "content"},
		{"ContentCountsCharacters", map[string]any{"content": strings.Repeat("ñ", 2000)}, map[string]any{"content": strings.Repeat("ñ", 2001)}, "content"},
		{"Embeds", map[string]any{"embeds": []any{embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a")}},
			map[string]any{"embeds": []any{embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a"), embed("title", "a")}}, "embeds"},
		{"Title", map[string]any{"embeds": []any{embed("title", repeat(256))}}, map[string]any{"embeds": []any{embed("title", repeat(257))}}, "embeds.0.title"},
		{"Description", map[string]any{"embeds": []any{embed("description", repeat(4096))}}, map[string]any{"embeds": []any{embed("description", repeat(4097))}}, "embeds.0.description"},
		{"Fields", map[string]any{"embeds": []any{embed("fields", fields(25, 1, 1))}}, map[string]any{"embeds": []any{embed("fields", fields(26, 1, 1))}}, "embeds.0.fields"},
		{"FieldName", map[string]any{"embeds": []any{embed("fields", fields(1, 256, 1))}}, map[string]any{"embeds": []any{embed("fields", fields(1, 257, 1))}}, "embeds.0.fields.0.name"},
		{"FieldValue", map[string]any{"embeds": []any{embed("fields", fields(2, 1, 1024))}}, map[string]any{"embeds": []any{embed("fields", append(fields(1, 1, 1), fields(1, 1, 1025)...))}}, "embeds.0.fields.1.value"},
		{"Footer", map[string]any{"embeds": []any{embed("footer", map[string]any{"text": repeat(2048)})}}, map[string]any{"embeds": []any{embed("footer", map[string]any{"text": repeat(2049)})}}, "embeds.0.footer.text"},
		{"Author", map[string]any{"embeds": []any{embed("author", map[string]any{"name": repeat(256)})}}, map[string]any{"embeds": []any{embed("author", map[string]any{"name": repeat(257)})}}, "embeds.0.author.name"},
		{"EmbedTotal", map[string]any{"embeds": []any{embed("description", repeat(3000)), embed("description", repeat(3000))}},
			map[string]any{"embeds": []any{embed("description", repeat(3000)), embed("description", repeat(2990), "title", repeat(11))}}, "embeds"},
		{"MentionUsers", map[string]any{"content": "hi", "allowed_mentions": map[string]any{"users": ids(100)}}, map[string]any{"content": "hi", "allowed_mentions": map[string]any{"users": ids(101)}}, "allowed_mentions.users"},
		{"MentionRoles", map[string]any{"content": "hi", "allowed_mentions": map[string]any{"roles": ids(100)}}, map[string]any{"content": "hi", "allowed_mentions": map[string]any{"roles": ids(101)}}, "allowed_mentions.roles"},
		{"MentionParseExclusive", map[string]any{"content": "hi", "allowed_mentions": map[string]any{"parse": []string{"roles"}, "users": ids(2)}},
			map[string]any{"content": "hi", "allowed_mentions": map[string]any{"parse": []string{"users"}, "users": ids(2)}}, "allowed_mentions"},
		{"Rows", map[string]any{"content": "hi", "components": []any{buttons(1, "a", "x"), buttons(1, "b", "x"), buttons(1, "c", "x"), buttons(1, "d", "x"), buttons(1, "e", "x")}},
			map[string]any{"content": "hi", "components": []any{buttons(1, "a", "x"), buttons(1, "b", "x"), buttons(1, "c", "x"), buttons(1, "d", "x"), buttons(1, "e", "x"), buttons(1, "f", "x")}}, "components"},
		{"ButtonsPerRow", map[string]any{"content": "hi", "components": []any{buttons(5, "a", "x")}}, map[string]any{"content": "hi", "components": []any{buttons(6, "a", "x")}}, "components.0.components"},
		{"CustomIDLength", map[string]any{"content": "hi", "components": []any{buttons(1, repeat(99), "x")}}, map[string]any{"content": "hi", "components": []any{buttons(1, repeat(100), "x")}}, "components.0.components.0.custom_id"},
		{"CustomIDRequired", map[string]any{"content": "hi", "components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 5, "label": "Docs", "url": "https://example.org"}}}}},
			map[string]any{"content": "hi", "components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 1, "label": "Go"}}}}}, "components.0.components.0.custom_id"},
		{"ButtonLabel", map[string]any{"content": "hi", "components": []any{buttons(1, "a", repeat(80))}}, map[string]any{"content": "hi", "components": []any{buttons(1, "a", repeat(81))}}, "components.0.components.0.label"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if status, body, _ := rawCall(t, srv, "POST", path, c.ok); status != http.StatusOK {
				t.Fatalf("at the limit: %d %v, want 200", status, body)
			}
			rec := &recorder{TB: t}
			strict := discordtest.NewServer(rec, discordtest.WithoutValidation(), discordtest.WithRouteRateLimit(0, 0), discordtest.WithGlobalRateLimit(0))
			sw := setup(strict)
			status, body, _ := rawCall(t, strict, "POST", "/channels/"+sw.channel+"/messages", c.over)
			formErrorAt(t, status, body, c.path)
			if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], c.path) {
				t.Fatalf("reported = %q, want one report naming %s", errs, c.path)
			}
			if n := len(strict.Messages(sw.channel)); n != 0 {
				t.Fatalf("%d messages stored from a refused request", n)
			}
		})
	}
	t.Run("Edit", func(t *testing.T) {
		_, m, _ := rawCall(t, srv, "POST", path, map[string]any{"content": "hi"})
		rec := &recorder{TB: t}
		strict := discordtest.NewServer(rec, discordtest.WithoutValidation())
		sw := setup(strict)
		_, m, _ = rawCall(t, strict, "POST", "/channels/"+sw.channel+"/messages", map[string]any{"content": "hi"})
		status, body, _ := rawCall(t, strict, "PATCH", "/channels/"+sw.channel+"/messages/"+m["id"].(string), map[string]any{"content": repeat(2001)})
		formErrorAt(t, status, body, "content")
		if len(rec.errors()) != 1 {
			t.Fatalf("reported = %q", rec.errors())
		}
	})
}

// respondRaw answers an interaction with a raw callback body.
func respondRaw(t *testing.T, srv *discordtest.Server, ix *discordtest.Interaction, cb any) (int, map[string]any) {
	t.Helper()
	status, body, _ := rawCall(t, srv, "POST", "/interactions/"+ix.ID+"/"+ix.Token+"/callback", cb)
	return status, body
}

func TestServer_InteractionLimits(t *testing.T) {
	t.Parallel()
	newWorld := func(t *testing.T) (*discordtest.Server, *recorder, world) {
		rec := &recorder{TB: t}
		srv := discordtest.NewServer(rec, discordtest.WithoutValidation(), discordtest.WithClock(frozen))
		w := setup(srv)
		defs := []map[string]any{{
			"name": "alerts", "description": "Alerts", "type": 1,
			"options": []map[string]any{{
				"type": 1, "name": "resolve", "description": "Resolve one",
				"options": []map[string]any{
					{"type": 4, "name": "alert", "description": "Alert", "required": true, "autocomplete": true},
					{"type": 3, "name": "note", "description": "Note", "autocomplete": true},
				},
			}},
		}}
		if status, body, _ := rawCall(t, srv, "PUT", "/applications/"+srv.AppID+"/guilds/"+w.guild+"/commands", defs); status != http.StatusOK {
			t.Fatalf("register: %d %v", status, body)
		}
		return srv, rec, w
	}
	choices := func(n int, value func(i int) any) map[string]any {
		cs := make([]map[string]any, n)
		for i := range cs {
			cs[i] = map[string]any{"name": fmt.Sprint("choice ", i), "value": value(i)}
		}
		return map[string]any{"type": 8, "data": map[string]any{"choices": cs}}
	}
	integer := func(i int) any { return i + 1 }
	cases := []struct {
		name    string
		focused string
		cb      map[string]any
		path    string // "" when the answer is accepted
	}{
		{"IntegerChoices", "alert", choices(25, integer), ""},
		{"TooManyChoices", "alert", choices(26, integer), "data.choices"},
		{"StringForInteger", "alert", choices(1, func(i int) any { return "1" }), "data.choices.0.value"},
		{"FractionForInteger", "alert", choices(1, func(i int) any { return 1.5 }), "data.choices.0.value"},
		{"StringChoices", "note", choices(3, func(i int) any { return repeat(100) }), ""},
		{"NumberForString", "note", choices(1, integer), "data.choices.0.value"},
		{"LongStringValue", "note", choices(1, func(i int) any { return repeat(101) }), "data.choices.0.value"},
		{"ChoiceName", "note", map[string]any{"type": 8, "data": map[string]any{"choices": []any{map[string]any{"name": repeat(101), "value": "x"}}}}, "data.choices.0.name"},
	}
	for _, c := range cases {
		t.Run("Autocomplete/"+c.name, func(t *testing.T) {
			t.Parallel()
			srv, rec, w := newWorld(t)
			ix := srv.Autocomplete(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "alerts resolve", c.focused)
			status, body := respondRaw(t, srv, ix, c.cb)
			if c.path == "" {
				if status != http.StatusNoContent || len(rec.errors()) != 0 {
					t.Fatalf("answer = %d %v, reported %q; want 204", status, body, rec.errors())
				}
				return
			}
			formErrorAt(t, status, body, c.path)
			if len(rec.errors()) != 1 {
				t.Fatalf("reported = %q", rec.errors())
			}
		})
	}
	modal := func(title, customID, label, value string, rows int) map[string]any {
		var comps []any
		for i := range rows {
			comps = append(comps, map[string]any{"type": 1, "components": []any{map[string]any{
				"type": 4, "custom_id": fmt.Sprint("f", i), "style": 1, "label": label, "value": value,
			}}})
		}
		return map[string]any{"type": 9, "data": map[string]any{"title": title, "custom_id": customID, "components": comps}}
	}
	modals := []struct {
		name string
		cb   map[string]any
		path string
	}{
		{"AtLimits", modal(repeat(45), repeat(100), repeat(45), repeat(4000), 5), ""},
		{"Title", modal(repeat(46), "m", "Note", "", 1), "data.title"},
		{"CustomID", modal("Check in", repeat(101), "Note", "", 1), "data.custom_id"},
		{"Rows", modal("Check in", "m", "Note", "", 6), "data.components"},
		{"Label", modal("Check in", "m", repeat(46), "", 1), "data.components.0.components.0.label"},
		{"Value", modal("Check in", "m", "Note", repeat(4001), 1), "data.components.0.components.0.value"},
	}
	for _, c := range modals {
		t.Run("Modal/"+c.name, func(t *testing.T) {
			t.Parallel()
			srv, rec, w := newWorld(t)
			ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "alerts resolve", discordtest.Int("alert", 1))
			status, body := respondRaw(t, srv, ix, c.cb)
			if c.path == "" {
				if status != http.StatusNoContent || len(rec.errors()) != 0 {
					t.Fatalf("answer = %d %v, reported %q; want 204", status, body, rec.errors())
				}
				return
			}
			formErrorAt(t, status, body, c.path)
			if len(rec.errors()) != 1 {
				t.Fatalf("reported = %q", rec.errors())
			}
		})
	}
	t.Run("ReplyContent", func(t *testing.T) {
		t.Parallel()
		srv, rec, w := newWorld(t)
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "alerts resolve", discordtest.Int("alert", 1))
		status, body := respondRaw(t, srv, ix, map[string]any{"type": 4, "data": map[string]any{"content": repeat(2001), "flags": 64}})
		formErrorAt(t, status, body, "content")
		if len(rec.errors()) != 1 {
			t.Fatalf("reported = %q", rec.errors())
		}
	})
}

func TestServer_ScheduledEventLimits(t *testing.T) {
	t.Parallel()
	type env struct {
		srv   *discordtest.Server
		rec   *recorder
		clock *clock
		guild string
	}
	newEnv := func(t *testing.T) env {
		rec := &recorder{TB: t}
		clk := newClock()
		srv := discordtest.NewServer(rec, discordtest.WithoutValidation(), discordtest.WithClock(clk.Now), discordtest.WithRouteRateLimit(0, 0), discordtest.WithGlobalRateLimit(0))
		return env{srv: srv, rec: rec, clock: clk, guild: srv.AddGuild("", "Support")}
	}
	event := func(e env, name, location string, start time.Duration, withEnd bool) map[string]any {
		at := e.clock.Now().Add(start)
		ev := map[string]any{
			"name": name, "privacy_level": 2, "entity_type": 3, "scheduled_start_time": at.Format(time.RFC3339),
			"entity_metadata": map[string]any{"location": location},
		}
		if withEnd {
			ev["scheduled_end_time"] = at.Add(time.Hour).Format(time.RFC3339)
		}
		return ev
	}
	path := func(e env) string { return "/guilds/" + e.guild + "/scheduled-events" }

	t.Run("Fields", func(t *testing.T) {
		t.Parallel()
		cases := []struct {
			name string
			edit func(map[string]any)
			path string
		}{
			{"Name", func(ev map[string]any) { ev["name"] = repeat(101) }, "name"},
			{"EmptyName", func(ev map[string]any) { ev["name"] = "" }, "name"},
			{"Description", func(ev map[string]any) { ev["description"] = repeat(1001) }, "description"},
			{"Location", func(ev map[string]any) { ev["entity_metadata"] = map[string]any{"location": repeat(101)} }, "entity_metadata.location"},
			{"EmptyLocation", func(ev map[string]any) { ev["entity_metadata"] = map[string]any{"location": ""} }, "entity_metadata.location"},
			{"EndTime", func(ev map[string]any) { delete(ev, "scheduled_end_time") }, "scheduled_end_time"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e := newEnv(t)
				ok := event(e, repeat(100), repeat(100), time.Hour, true)
				ok["description"] = repeat(1000)
				if status, body, _ := rawCall(t, e.srv, "POST", path(e), ok); status != http.StatusOK {
					t.Fatalf("at the limits: %d %v", status, body)
				}
				bad := event(e, "Group", "#channel", time.Hour, true)
				c.edit(bad)
				status, body, _ := rawCall(t, e.srv, "POST", path(e), bad)
				formErrorAt(t, status, body, c.path)
				if len(e.rec.errors()) != 1 || len(e.srv.ScheduledEvents(e.guild)) != 1 {
					t.Fatalf("reported %q, events %d", e.rec.errors(), len(e.srv.ScheduledEvents(e.guild)))
				}
			})
		}
	})
	t.Run("HundredOpen", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		for i := range 100 {
			if status, body, _ := rawCall(t, e.srv, "POST", path(e), event(e, fmt.Sprint("Group ", i), "#c", time.Duration(i+1)*time.Hour, true)); status != http.StatusOK {
				t.Fatalf("event %d: %d %v", i, status, body)
			}
		}
		status, body, _ := rawCall(t, e.srv, "POST", path(e), event(e, "One too many", "#c", 200*time.Hour, true))
		if status != http.StatusBadRequest || body["code"] != float64(30038) {
			t.Fatalf("101st open event: %d %v, want 400 code 30038", status, body)
		}
		if len(e.rec.errors()) != 0 {
			t.Fatalf("30038 is Discord's answer, not a bug in the request; reported %q", e.rec.errors())
		}
		// The first event ends (its hour passes): one slot frees.
		e.clock.Advance(2*time.Hour + time.Minute)
		if status, body, _ := rawCall(t, e.srv, "POST", path(e), event(e, "Now it fits", "#c", 200*time.Hour, true)); status != http.StatusOK {
			t.Fatalf("after one ended: %d %v", status, body)
		}
	})
	t.Run("StatusByClock", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		_, ev, _ := rawCall(t, e.srv, "POST", path(e), event(e, "Group", "#c", time.Hour, true))
		status := func() discordgo.GuildScheduledEventStatus { return e.srv.ScheduledEvents(e.guild)[0].Status }
		if got := status(); got != discordgo.GuildScheduledEventStatusScheduled {
			t.Fatalf("before its start: %d", got)
		}
		e.clock.Advance(time.Hour)
		if got := status(); got != discordgo.GuildScheduledEventStatusActive {
			t.Fatalf("at its start: %d, want ACTIVE", got)
		}
		// An active event can still be edited.
		if code, body, _ := rawCall(t, e.srv, "PATCH", path(e)+"/"+ev["id"].(string), map[string]any{"description": "Room 2"}); code != http.StatusOK {
			t.Fatalf("edit while active: %d %v", code, body)
		}
		e.clock.Advance(time.Hour)
		if got := status(); got != discordgo.GuildScheduledEventStatusCompleted {
			t.Fatalf("at its end: %d, want COMPLETED", got)
		}
		code, body, _ := rawCall(t, e.srv, "PATCH", path(e)+"/"+ev["id"].(string), map[string]any{"name": "Moved"})
		if code != http.StatusBadRequest || body["code"] != float64(180000) {
			t.Fatalf("edit after its end: %d %v, want 400 code 180000", code, body)
		}
	})
	t.Run("EndedByAdmin", func(t *testing.T) {
		t.Parallel()
		for _, st := range []discordgo.GuildScheduledEventStatus{discordgo.GuildScheduledEventStatusCompleted, discordgo.GuildScheduledEventStatusCanceled} {
			e := newEnv(t)
			_, ev, _ := rawCall(t, e.srv, "POST", path(e), event(e, "Group", "#c", time.Hour, true))
			e.srv.SetScheduledEventStatus(ev["id"].(string), st)
			code, body, _ := rawCall(t, e.srv, "PATCH", path(e)+"/"+ev["id"].(string), map[string]any{"name": "Moved"})
			if code != http.StatusBadRequest || body["code"] != float64(180000) {
				t.Fatalf("status %d: edit = %d %v, want 180000", st, code, body)
			}
			if len(e.rec.errors()) != 0 {
				t.Fatalf("reported %q", e.rec.errors())
			}
		}
	})
	t.Run("EditChecked", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		_, ev, _ := rawCall(t, e.srv, "POST", path(e), event(e, "Group", "#c", time.Hour, true))
		code, body, _ := rawCall(t, e.srv, "PATCH", path(e)+"/"+ev["id"].(string), map[string]any{"entity_metadata": map[string]any{"location": repeat(101)}})
		formErrorAt(t, code, body, "entity_metadata.location")
	})
}

func TestServer_RateLimitHeaders(t *testing.T) {
	t.Parallel()
	t.Run("EveryResponse", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		for _, c := range []struct{ method, path string }{
			{"GET", "/users/@me"}, {"GET", "/channels/" + w.channel}, {"GET", "/channels/404"}, // an error answer too
		} {
			_, _, h := rawCall(t, srv, c.method, c.path, nil)
			for _, k := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Reset-After", "X-RateLimit-Bucket"} {
				if h.Get(k) == "" {
					t.Errorf("%s %s: no %s in %v", c.method, c.path, k, h)
				}
			}
		}
	})
	t.Run("PerRoute429", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithRouteRateLimit(2, time.Minute))
		w := setup(srv)
		other := srv.AddChannel(w.guild, "", "other")
		send := func(ch string) (int, map[string]any, http.Header) {
			return rawCall(t, srv, "POST", "/channels/"+ch+"/messages", map[string]any{"content": "hi"})
		}
		_, _, h1 := send(w.channel)
		_, _, h2 := send(w.channel)
		if h1.Get("X-RateLimit-Remaining") != "1" || h2.Get("X-RateLimit-Remaining") != "0" || h1.Get("X-RateLimit-Limit") != "2" || h1.Get("X-RateLimit-Bucket") != h2.Get("X-RateLimit-Bucket") {
			t.Fatalf("headers: %v then %v", h1, h2)
		}
		status, body, h := send(w.channel)
		retry, _ := body["retry_after"].(float64)
		if status != http.StatusTooManyRequests || retry <= 0 || retry > 60 || body["global"] != false || h.Get("X-RateLimit-Scope") != "user" {
			t.Fatalf("third send = %d %v %v, want a per-route 429 with retry_after", status, body, h)
		}
		if n := len(srv.Messages(w.channel)); n != 2 {
			t.Fatalf("%d messages stored, want 2", n)
		}
		if status, _, _ := send(other); status != http.StatusOK {
			t.Fatalf("another channel's bucket: %d, want 200", status)
		}
		if srv.RateLimited() != 1 {
			t.Fatalf("RateLimited = %d, want 1", srv.RateLimited())
		}
	})
	t.Run("DiscordgoWaits", func(t *testing.T) {
		t.Parallel()
		// A client that honours the headers never meets the 429.
		srv := discordtest.NewServer(t, discordtest.WithRouteRateLimit(2, 200*time.Millisecond))
		w := setup(srv)
		b := newSession(t, srv)
		for i := range 5 {
			if _, err := b.ChannelMessageSend(w.channel, fmt.Sprint("hi ", i)); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		if srv.RateLimited() != 0 {
			t.Fatalf("RateLimited = %d, want 0", srv.RateLimited())
		}
	})
	t.Run("DMsTooFast", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithDMOpenLimit(2, time.Minute))
		w := setup(srv)
		carol := srv.AddUser("", "carol", false)
		open := func(user string) (int, map[string]any) {
			status, body, _ := rawCall(t, srv, "POST", "/users/@me/channels", map[string]any{"recipient_id": user})
			return status, body
		}
		for _, u := range []string{w.alice, w.bob} {
			if status, body := open(u); status != http.StatusOK {
				t.Fatalf("open %s: %d %v", u, status, body)
			}
		}
		if status, _ := open(w.alice); status != http.StatusOK {
			t.Fatalf("an open DM channel is not a new one: %d", status)
		}
		status, body := open(carol)
		if status != http.StatusForbidden || body["code"] != float64(40003) {
			t.Fatalf("third new DM = %d %v, want 403 code 40003", status, body)
		}
		if srv.DMOpensRefused() != 1 {
			t.Fatalf("DMOpensRefused = %d", srv.DMOpensRefused())
		}
	})
}
