package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// Discord's limits, asserted here whatever the fake enforces.
const (
	maxContent  = 2000
	maxMentions = 100
	maxField    = 1024
	maxEmbeds   = 6000
)

// partTitleRE reads the title of a part of a split rota.
var partTitleRE = regexp.MustCompile(`^\*\*Check-in order \((\d+)/(\d+)\):\*\*`)

// entryRE reads one entry of a check-in order: "12. <@id>".
var entryRE = regexp.MustCompile(`(\d+)\. <@(\d+)>`)

// sentMessage is a message create call as the bot sent it.
type sentMessage struct {
	Content         string `json:"content"`
	Nonce           string `json:"nonce"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
	} `json:"allowed_mentions"`
	Embeds []*discordgo.MessageEmbed `json:"embeds"`
}

// sentTo returns the message create calls to a channel, from the n-th on.
func (h *harness) sentTo(channel string, from int) []sentMessage {
	h.t.Helper()
	var out []sentMessage
	for _, c := range h.fake.CallsTo("POST", "/channels/"+channel+"/messages")[from:] {
		var m sentMessage
		if err := json.Unmarshal(c.Body, &m); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// largeGroup sets up the group "Anxiety Circle" with n members (the first
// five are h.members), two sharers and a weekly schedule.
func (h *harness) largeGroup(n int) (*hearth.Group, []string) {
	h.t.Helper()
	ctx := h.ctx()
	g := &hearth.Group{
		GuildID: h.guild, Name: "Anxiety Circle", ChannelID: h.channel,
		FacilitatorID: h.fac, ObserverID: h.obs, Timezone: "Europe/Madrid",
		LengthMinutes: 90, ReminderOffsets: []time.Duration{24 * time.Hour}, Sharers: 2,
	}
	if err := h.app.DB.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
		h.t.Fatalf("create group: %v", err)
	}
	users := slices.Clone(h.members[:min(n, len(h.members))])
	for i := len(users); i < n; i++ {
		users = append(users, h.user(fmt.Sprintf("big%d", i)))
	}
	for _, u := range users {
		if err := h.app.DB.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u, AgreedAt: h.now()}); err != nil {
			h.t.Fatalf("join: %v", err)
		}
	}
	mustEphemeral(h.t, h.scheduleCmd("set", discordtest.Str("when", "every tuesday at 19:00")), "now meets")
	return g, users
}

// checkRotaParts asserts that the parts of one rota post (or reply) are
// within Discord's limits, in order, and name every member of users once
// in the check-in order; with pinged, that allowed_mentions pings each of
// them exactly once across the parts and nobody else.
func checkRotaParts(t *testing.T, what string, parts []sentMessage, users []string, pinged bool) {
	t.Helper()
	if len(parts) == 0 {
		t.Fatalf("%s: no message", what)
	}
	pings := map[string]int{}
	var order []string
	for i, p := range parts {
		if n := len([]rune(p.Content)); n > maxContent {
			t.Errorf("%s part %d: %d characters", what, i+1, n)
		}
		if p.AllowedMentions == nil {
			t.Fatalf("%s part %d: no allowed_mentions", what, i+1)
		}
		if len(p.AllowedMentions.Parse) != 0 || strings.Contains(p.Content, "@everyone") {
			t.Errorf("%s part %d: parse %v", what, i+1, p.AllowedMentions.Parse)
		}
		if n := len(p.AllowedMentions.Users); n > maxMentions {
			t.Errorf("%s part %d: %d users may be pinged", what, i+1, n)
		}
		for _, u := range p.AllowedMentions.Users {
			pings[u]++
			if !strings.Contains(p.Content, "<@"+u+">") {
				t.Errorf("%s part %d pings %s, whom it does not name", what, i+1, u)
			}
		}
		// The check-in order of this part.
		line := p.Content
		if len(parts) > 1 {
			m := partTitleRE.FindStringSubmatch(p.Content)
			if m == nil || m[1] != strconv.Itoa(i+1) || m[2] != strconv.Itoa(len(parts)) {
				t.Fatalf("%s part %d of %d does not start with its title: %.80q", what, i+1, len(parts), p.Content)
			}
			if has := strings.Contains(p.Content, "**Sharers:**"); has != (i == 0) {
				t.Errorf("%s part %d: Sharers line present = %v", what, i+1, has)
			}
			line, _, _ = strings.Cut(p.Content, "\n")
		} else {
			for _, l := range strings.Split(p.Content, "\n") {
				if strings.HasPrefix(l, "**Check-in order") {
					line = l
				}
			}
		}
		for _, e := range entryRE.FindAllStringSubmatch(line, -1) {
			if e[1] != strconv.Itoa(len(order)+1) {
				t.Fatalf("%s part %d: entry %s after %d entries", what, i+1, e[1], len(order))
			}
			order = append(order, e[2])
		}
	}
	if got, want := sorted(order), sorted(users); !slices.Equal(got, want) {
		t.Errorf("%s: the check-in order names %d members, want each of the %d once", what, len(order), len(users))
	}
	if !pinged {
		if len(pings) != 0 {
			t.Errorf("%s pings %d people", what, len(pings))
		}
		return
	}
	for _, u := range users {
		if pings[u] != 1 {
			t.Errorf("%s pings %s %d times, want once", what, u, pings[u])
		}
	}
	if len(pings) != len(users) {
		t.Errorf("%s pings %d people, want the %d members", what, len(pings), len(users))
	}
}

func sorted(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// replyParts waits for the follow-ups of a reply split in parts and returns
// the reply and its follow-ups as the bot sent them.
func (h *harness) replyParts(t *testing.T, ix *discordtest.Interaction) []sentMessage {
	t.Helper()
	r, err := ix.WaitFinal(h.ctx())
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ephemeral {
		t.Errorf("reply not ephemeral: %.80q", r.Content)
	}
	first := sentMessage{Content: r.Content}
	first.AllowedMentions = &struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
	}{}
	if r.AllowedMentions != nil {
		for _, p := range r.AllowedMentions.Parse {
			first.AllowedMentions.Parse = append(first.AllowedMentions.Parse, string(p))
		}
		first.AllowedMentions.Users = r.AllowedMentions.Users
	}
	n := 1
	if m := partTitleRE.FindStringSubmatch(r.Content); m != nil {
		n, _ = strconv.Atoi(m[2])
	}
	var fs []*discordgo.Message
	if err := h.fake.WaitFor(h.ctx(), func() bool { fs = ix.Followups(); return len(fs) >= n-1 }); err != nil {
		t.Fatalf("%d follow-ups, want %d: %v", len(fs), n-1, err)
	}
	parts := []sentMessage{first}
	for _, f := range fs {
		if f.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("follow-up not ephemeral: %.80q", f.Content)
		}
		p := sentMessage{Content: f.Content}
		p.AllowedMentions = first.AllowedMentions // checked on the calls below
		parts = append(parts, p)
	}
	// The follow-ups' allowed_mentions as sent: nobody.
	for _, c := range h.fake.CallsTo("POST", "/webhooks/*/*") {
		var m sentMessage
		if err := json.Unmarshal(c.Body, &m); err == nil && m.AllowedMentions != nil && len(m.AllowedMentions.Users) != 0 {
			t.Errorf("a follow-up pings %d people", len(m.AllowedMentions.Users))
		}
	}
	return parts
}

// TestLimits_LargeGroups runs a group of 1, 8, 130 and 500 members through
// a reminder, /rota show, /next, /roster and the start post: every message
// within Discord's limits, the rota split in order where it must be, each
// member named once and pinged once.
func TestLimits_LargeGroups(t *testing.T) {
	for _, n := range []int{1, 8, 130, 500} {
		t.Run(fmt.Sprintf("members-%d", n), func(t *testing.T) {
			h := start(t)
			_, users := h.largeGroup(n)
			wantSplit := n > 60

			t.Run("Reminder", func(t *testing.T) {
				h.advanceTo(dayReminder)
				parts := h.sentTo(h.channel, 0)
				checkRotaParts(t, "reminder", parts, users, true)
				if wantSplit != (len(parts) > 1) {
					t.Errorf("%d parts for %d members", len(parts), n)
				}
				if !strings.Contains(parts[0].Content, "**Anxiety Circle** meets") {
					t.Errorf("the first part does not say which meeting: %.200q", parts[0].Content)
				}
				nonces := map[string]bool{}
				for _, p := range parts {
					if p.Nonce == "" || len(p.Nonce) > 25 || nonces[p.Nonce] {
						t.Errorf("nonce %q: empty, too long or repeated", p.Nonce)
					}
					nonces[p.Nonce] = true
				}
				if got := len(h.posts(h.channel)); got != len(parts) {
					t.Errorf("%d posts, %d parts sent", got, len(parts))
				}
			})
			t.Run("RotaShow", func(t *testing.T) {
				parts := h.replyParts(t, h.fake.SlashCommand(h.as(users[n-1]), "rota show"))
				checkRotaParts(t, "/rota show", parts, users, false)
				mustContain(t, parts[len(parts)-1].Content, "in the check-in order")
			})
			t.Run("Next", func(t *testing.T) {
				parts := h.replyParts(t, h.fake.SlashCommand(h.as(users[0]), "next"))
				checkRotaParts(t, "/next", parts, users, false)
				mustContain(t, parts[len(parts)-1].Content, "in the check-in order")
			})
			t.Run("Roster", func(t *testing.T) {
				r := h.slash(h.fac, "roster")
				seen := map[string]int{}
				for page := 0; ; page++ {
					ephemeral := r.Ephemeral || (r.Message != nil && r.Message.Flags&discordgo.MessageFlagsEphemeral != 0)
					if !ephemeral || len(r.Embeds) != 1 {
						t.Fatalf("page %d: ephemeral %v, %d embeds", page, ephemeral, len(r.Embeds))
					}
					e := r.Embeds[0]
					if l := len([]rune(e.Title)) + len([]rune(e.Description)); l > maxEmbeds || len([]rune(e.Description)) > 4096 || len([]rune(r.Content)) > maxContent {
						t.Errorf("page %d: embed of %d characters", page, l)
					}
					for _, m := range entryRE.FindAllStringSubmatch(e.Description, -1) {
						seen[m[2]]++
					}
					next := ""
					for _, row := range r.Components {
						for _, c := range row.(*discordgo.ActionsRow).Components {
							if b := c.(*discordgo.Button); b.Label == "Next ▶" && !b.Disabled {
								next = b.CustomID
							}
						}
					}
					if next == "" {
						break
					}
					if page == 0 {
						// A modified client: a member, or another server's id, gets the same refusal.
						mustEphemeral(t, h.press(users[0], r.Message, next), "Only the facilitator and the observer")
						mustEphemeral(t, h.press(h.fac, r.Message, "roster:page:999:1"), "Only the facilitator and the observer")
					}
					r = h.press(h.fac, r.Message, next)
				}
				for _, u := range users {
					if seen[u] != 1 {
						t.Errorf("the roster lists %s %d times", u, seen[u])
					}
				}
			})
			t.Run("StartPost", func(t *testing.T) {
				before := len(h.fake.CallsTo("POST", "/channels/"+h.channel+"/messages"))
				h.advanceTo(firstMeeting)
				parts := h.sentTo(h.channel, before)
				checkRotaParts(t, "start post", parts, users, true)
				mustContain(t, parts[0].Content, "is starting now")
			})
		})
	}
}

// TestLimits_SplitReminderCrash loses Discord's answer to the first part
// of a split reminder and restarts hearth: each part is posted once.
func TestLimits_SplitReminderCrash(t *testing.T) {
	h := start(t)
	_, users := h.largeGroup(300)
	h.fake.LoseResponseNext("POST", "/channels/"+h.channel+"/messages", 1)
	h.advanceTo(dayReminder)
	h.restart()
	h.advance(5 * time.Second) // past the retry backoff
	h.settle()
	sent := h.sentTo(h.channel, 0)
	posts := h.posts(h.channel)
	var parts []sentMessage
	for _, p := range posts {
		parts = append(parts, sentMessage{Content: p.Content})
	}
	if len(posts) < 2 || len(sent) != len(posts)+1 {
		t.Fatalf("%d posts from %d sends, want each part once and one resend", len(posts), len(sent))
	}
	if sent[0].Nonce != sent[1].Nonce {
		t.Errorf("the lost part was sent again with nonce %q, first %q", sent[1].Nonce, sent[0].Nonce)
	}
	// The posts, in order, hold the whole order once.
	var order []string
	for i, p := range posts {
		if m := partTitleRE.FindStringSubmatch(p.Content); m == nil || m[1] != strconv.Itoa(i+1) {
			t.Fatalf("post %d is not part %d: %.60q", i, i+1, p.Content)
		}
		line, _, _ := strings.Cut(p.Content, "\n")
		for _, e := range entryRE.FindAllStringSubmatch(line, -1) {
			order = append(order, e[2])
		}
	}
	if !slices.Equal(sorted(order), sorted(users)) {
		t.Errorf("the posted order names %d members, want %d", len(order), len(users))
	}
}

// TestLimits_SummaryFields gives a meeting 300 passes: the summary's
// fields stay within 1,024 characters.
func TestLimits_SummaryFields(t *testing.T) {
	users := make([]string, 300)
	for i := range users {
		users[i] = strconv.Itoa(100000000000000000 + i)
	}
	s := &hearth.MeetingSummary{
		Group:   &hearth.Group{Name: "Anxiety Circle"},
		Meeting: &hearth.Meeting{ID: 1, Rota: &hearth.Rota{Order: users, Sharers: users[:10], Passed: users[10:]}},
	}
	msg := hearth.SummaryDM(s, locale.English)
	total := 0
	for _, e := range msg.Embeds {
		total += len([]rune(e.Title)) + len([]rune(e.Description))
		for _, f := range e.Fields {
			total += len([]rune(f.Name)) + len([]rune(f.Value))
			if n := len([]rune(f.Value)); n > maxField {
				t.Errorf("field %q: %d characters", f.Name, n)
			}
			if f.Name == "Passed" && !strings.Contains(f.Value, "more") {
				t.Errorf("Passed does not say how many more: %.60q…", f.Value)
			}
		}
	}
	if total > maxEmbeds {
		t.Errorf("embeds of %d characters", total)
	}
}
