package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// runDemo plays one group's week with the real bot — the same App as
// `hearth run` — against the Discord simulator of package discordtest, on a
// temporary SQLite database and a clock the script moves, and prints what
// each person sees.
func (m *Main) runDemo(ctx context.Context, args []string) error {
	fs, _ := m.flags("demo")
	keep := fs.Bool("keep-db", false, "keep the demo database (its path is printed)")
	asJSON := fs.Bool("json", false, "print the transcript as JSON lines")
	pause := fs.Duration("pause", 0, "pause between steps, to read along (e.g. 2s)")
	langFlag := fs.String("lang", "en", "the language of the server and its people: en or es")
	webOn := fs.Bool("web", false, "serve the dashboard on localhost during the week and keep it running after (Ctrl-C stops)")
	webAddr := fs.String("web-listen", "127.0.0.1:8080", "address of the dashboard with -web")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return errUsage
	}
	lang, ok := locale.Parse(*langFlag)
	if !ok {
		fmt.Fprintf(m.Stderr, "hearth demo: -lang must be en or es, not %q\n", *langFlag)
		return errUsage
	}
	dir, err := os.MkdirTemp("", "hearth-demo-")
	if err != nil {
		return fmt.Errorf("demo database directory: %w", err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	var out transcript = &textTranscript{w: &errWriter{w: m.Stdout}, lang: lang}
	if *asJSON {
		out = &jsonTranscript{enc: json.NewEncoder(m.Stdout)}
	}
	var web string
	if *webOn {
		web = *webAddr
	}
	d, err := newDemo(ctx, filepath.Join(dir, "hearth.db"), out, m.Stderr, lang, web)
	if err != nil {
		return err
	}
	if addr := d.app.WebAddr(); addr != "" {
		fmt.Fprintf(m.Stderr, "dashboard: http://%s (log in as any person of the demo; Ctrl-C stops)\n", addr)
	}
	d.pause = *pause
	err = d.play(ctx)
	if err == nil && d.app.WebAddr() != "" {
		fmt.Fprintf(m.Stderr, "the week is over; the dashboard is still at http://%s (Ctrl-C stops)\n", d.app.WebAddr())
		<-ctx.Done()
	}
	if cerr := d.close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = out.err()
	}
	if err == nil && len(d.tb.errs) > 0 {
		err = fmt.Errorf("the simulator saw invalid requests:\n  %s", strings.Join(d.tb.errs, "\n  "))
	}
	if *keep {
		fmt.Fprintf(m.Stderr, "demo database kept at %s\n", filepath.Join(dir, "hearth.db"))
	}
	return err
}

// demoTB lets the simulator, built for tests, run in the demo: its checks
// become demo errors and its fatal setup errors stop the demo.
type demoTB struct {
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

type demoFatal struct{ msg string }

func (t *demoTB) Helper()                   {}
func (t *demoTB) Logf(string, ...any)       {}
func (t *demoTB) Cleanup(f func())          { t.mu.Lock(); t.cleanups = append(t.cleanups, f); t.mu.Unlock() }
func (t *demoTB) Fatalf(f string, a ...any) { panic(demoFatal{fmt.Sprintf(f, a...)}) }
func (t *demoTB) Errorf(f string, a ...any) {
	t.mu.Lock()
	t.errs = append(t.errs, fmt.Sprintf(f, a...))
	t.mu.Unlock()
}
func (t *demoTB) close() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// demoClock is the demo's clock: the script moves it from step to step.
type demoClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *demoClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *demoClock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// demo is the simulated server and the running bot.
type demo struct {
	tb    *demoTB
	fake  *discordtest.Server
	app   *App
	clock *demoClock
	out   transcript
	pause time.Duration
	stop  func() error

	guild, channel, staff string
	voice                 string            // the group's voice channel
	names                 map[string]string // user id → display name
	users                 map[string]string // display name → user id
	seen                  map[string]string // message id → last text printed
	zone                  *time.Location
	// lang is the language of the server and of every person's Discord
	// client (discordLocale); the transcript is written in it too.
	lang          locale.Lang
	discordLocale string
}

func newDemo(ctx context.Context, dsn string, out transcript, stderr io.Writer, lang locale.Lang, web string) (d *demo, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(demoFatal)
			if !ok {
				panic(p)
			}
			err = errors.New(f.msg)
		}
	}()
	zone, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		return nil, fmt.Errorf("load demo time zone: %w", err)
	}
	// Monday 2 March 2026, 10:00 in Madrid.
	clk := &demoClock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, zone).UTC()}
	d = &demo{tb: &demoTB{}, clock: clk, out: out, names: map[string]string{}, users: map[string]string{}, seen: map[string]string{}, zone: zone}
	d.fake = discordtest.NewServer(d.tb, discordtest.WithClock(clk.Now))
	d.lang, d.discordLocale = lang, "en-US"
	d.guild = d.fake.AddGuild("", "Harbour Community")
	if lang == locale.Spanish {
		d.discordLocale = "es-ES"
		d.fake.SetGuildLocale(d.guild, d.discordLocale)
	}
	d.channel = d.fake.AddChannel(d.guild, "", "anxiety-circle")
	d.staff = d.fake.AddChannel(d.guild, "", "staff")
	d.voice = d.fake.AddVoiceChannel(d.guild, "", "circle-voice")
	for _, n := range []string{"Ana (admin)", "Dr. Rivera", "Dr. Chen", "Marta", "Leo", "Sofia", "Omar", "Ines"} {
		id := d.fake.AddUser("", n, false)
		d.fake.AddMember(d.guild, id)
		d.names[id], d.users[n] = n, id
	}
	cfg := hearth.DefaultConfig()
	cfg.Discord.Token, cfg.Discord.APIBaseURL, cfg.Discord.GuildID = d.fake.Token, d.fake.URL, d.guild
	cfg.Database.DSN = dsn
	cfg.HTTP.Listen = ""
	if web != "" {
		d.demoWeb(&cfg, web)
	}
	// The bot's own log goes to stderr, warnings and errors only: the
	// transcript is what people see.
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	d.app, err = NewApp(ctx, cfg, AppOptions{Now: clk.Now, Logger: log})
	if err != nil {
		d.tb.close()
		return nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.app.Run(runCtx) }()
	d.stop = func() error {
		cancel()
		err := <-done
		if cerr := d.app.Close(); err == nil {
			err = cerr
		}
		d.tb.close()
		return err
	}
	select {
	case <-d.app.Ready():
	case err := <-done:
		d.tb.close()
		return nil, fmt.Errorf("the bot stopped before it was ready: %w", err)
	case <-time.After(30 * time.Second):
		d.stop()
		return nil, errors.New("the bot was not ready after 30s")
	}
	return d, nil
}

func (d *demo) close() error { return d.stop() }

// at moves the clock to a local time of the demo's week once the work due
// before it has finished, lets the work due then run, and prints what people
// received meanwhile.
func (d *demo) at(ctx context.Context, day, hour, minute int) error {
	if err := d.app.Engine.WaitIdle(ctx); err != nil {
		return err
	}
	t := time.Date(2026, 3, day, hour, minute, 0, 0, d.zone)
	d.clock.Set(t.UTC())
	d.out.clock(t)
	d.app.Engine.Wake()
	if err := d.app.Engine.WaitIdle(ctx); err != nil {
		return err
	}
	return d.deliveries()
}

// deliveries prints the channel posts and DMs nobody has seen yet, and the
// edits of those already seen.
func (d *demo) deliveries() error {
	type place struct{ id, label string }
	places := []place{{d.channel, "#anxiety-circle"}, {d.staff, "#staff"}}
	for id, name := range d.names {
		places = append(places, place{"dm:" + id, d.lang.T(locale.DemoDmTo, locale.A("Who", name))})
	}
	var news []*discordgo.Message
	label := map[string]string{}
	for _, p := range places {
		var ms []*discordgo.Message
		if strings.HasPrefix(p.id, "dm:") {
			ms = d.fake.DMs(strings.TrimPrefix(p.id, "dm:"))
		} else {
			ms = d.fake.Messages(p.id)
		}
		for _, m := range ms {
			if m.Flags&discordgo.MessageFlagsEphemeral != 0 {
				continue // replies: printed with the command that caused them
			}
			label[m.ID] = p.label
			news = append(news, m)
		}
	}
	// Print in the order Discord created them.
	sortByID(news)
	for _, m := range news {
		// Changes are told by the raw message: relative times in the
		// rendering move with the clock.
		raw := rawText(m.Content, m.Embeds, m.Components)
		prev, shown := d.seen[m.ID]
		if shown && prev == raw {
			continue
		}
		d.seen[m.ID] = raw
		text := d.render(m.Content, m.Embeds, m.Components)
		kind := "post"
		if strings.HasPrefix(label[m.ID], "dm:") || !strings.HasPrefix(label[m.ID], "#") {
			kind = "dm"
		}
		if shown {
			kind += "-edited"
		}
		d.out.message(kind, label[m.ID], text)
	}
	d.step()
	return nil
}

func (d *demo) step() {
	if d.pause > 0 {
		time.Sleep(d.pause) // only for a person reading along; never in tests
	}
}

func sortByID(ms []*discordgo.Message) {
	key := func(m *discordgo.Message) uint64 { n, _ := strconv.ParseUint(m.ID, 10, 64); return n }
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && key(ms[j]) < key(ms[j-1]); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

var (
	mentionRe   = regexp.MustCompile(`<@!?(\d+)>`)
	timestampRe = regexp.MustCompile(`<t:(-?\d+):([tTdDfFR])>`)
	channelRe   = regexp.MustCompile(`<#(\d+)>`)
)

// rawText is a message's content, embeds and buttons as Discord stores them.
func rawText(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) string {
	b, err := json.Marshal(struct {
		C string
		E []*discordgo.MessageEmbed
		B []discordgo.MessageComponent
	}{content, embeds, comps})
	if err != nil {
		return content // cannot happen for these types; the content still tells most changes
	}
	return string(b)
}

// render writes a message the way a person reads it in Discord: names for
// mentions, local times for timestamps, embeds as fields, buttons in brackets.
func (d *demo) render(content string, embeds []*discordgo.MessageEmbed, comps []discordgo.MessageComponent) string {
	var b strings.Builder
	b.WriteString(content)
	for _, e := range embeds {
		if e.Title != "" {
			b.WriteString("\n" + e.Title)
		}
		if e.Description != "" {
			b.WriteString("\n" + e.Description)
		}
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
	}
	var buttons []string
	for _, c := range comps {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, x := range row.Components {
				if btn, ok := x.(*discordgo.Button); ok {
					label := "[" + btn.Label + "]"
					if btn.Disabled {
						label = "[" + d.lang.T(locale.DemoDone, locale.A("Label", btn.Label)) + "]"
					}
					buttons = append(buttons, label)
				}
			}
		}
	}
	if len(buttons) > 0 {
		b.WriteString("\n" + strings.Join(buttons, " "))
	}
	s := mentionRe.ReplaceAllStringFunc(b.String(), func(m string) string {
		id := mentionRe.FindStringSubmatch(m)[1]
		if n, ok := d.names[id]; ok {
			return "@" + n
		}
		return "@someone"
	})
	s = channelRe.ReplaceAllStringFunc(s, func(m string) string {
		switch channelRe.FindStringSubmatch(m)[1] {
		case d.channel:
			return "#anxiety-circle"
		case d.staff:
			return "#staff"
		}
		return "#channel"
	})
	return timestampRe.ReplaceAllStringFunc(s, func(m string) string {
		parts := timestampRe.FindStringSubmatch(m)
		sec, _ := strconv.ParseInt(parts[1], 10, 64)
		t := time.Unix(sec, 0).In(d.zone)
		if parts[2] == "R" {
			return relative(d.lang, t.Sub(d.clock.Now()))
		}
		return d.lang.T(locale.DemoStamp, locale.A("Weekday", d.lang.T(locale.Key(fmt.Sprintf("date.day_%d", int(t.Weekday()))))),
			locale.A("Day", t.Day()), locale.A("Month", d.lang.T(locale.Key(fmt.Sprintf("date.month_%d", int(t.Month()))))),
			locale.A("Time", t.Format("15:04")), locale.A("Zone", t.Format("MST")))
	})
}

// relative renders a duration the way Discord's <t:…:R> does, in l.
func relative(l locale.Lang, d time.Duration) string {
	if d > -time.Minute && d < time.Minute {
		return l.T(locale.DemoJustNow)
	}
	past := d < 0
	if past {
		d = -d
	}
	var span string
	switch {
	case d < time.Hour:
		span = l.T(locale.DemoMinutes, locale.Count(int(d.Minutes()+0.5)))
	case d < 48*time.Hour:
		span = l.T(locale.DemoHours, locale.Count(int(d.Hours()+0.5)))
	default:
		span = l.T(locale.DemoDays, locale.Count(int(d.Hours()/24+0.5)))
	}
	if past {
		return l.T(locale.DemoAgo, locale.A("Span", span))
	}
	return l.T(locale.DemoIn, locale.A("Span", span))
}
