package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/storage"
)

// chaosChildEnv makes the test binary run as `hearth`: the chaos test
// re-executes itself with it set, so the subprocess is the real main with
// the real configuration loading, and no second build is needed.
const chaosChildEnv = "HEARTH_CHAOS_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(chaosChildEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := NewMain(os.Stdout, os.Stderr).Run(ctx, os.Args[1:])
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// The size of the chaos run.
const (
	chaosAlerts        = 200 // each DMs two psychologists
	chaosGroups        = 50
	chaosMeetings      = 10 // per group: 500 reminders
	chaosKills         = 3
	chaosDeadline      = 4 * time.Minute
	chaosDefaultSeed   = 11
	chaosReminderShift = time.Hour
	chaosBriefMeetings = 2 // per group, with their pre-meeting briefs due: 200 brief DMs
)

var alertDMRe = regexp.MustCompile(`^Private alert #(\d+) `)

// TestChaos runs `hearth run` as a subprocess against the fake Discord with
// 200 alerts, 500 meeting reminders and 100 meetings' pre-meeting briefs
// due, while the fake fails 10% of the bot's requests with a 5xx and 5% with
// a 429 and drops the gateway every few seconds, and SIGKILLs the process
// three times at seeded moments, restarting it on the same database. Every
// alert and every brief must reach both psychologists exactly once, every
// reminder must be posted exactly once, and the logs must hold no panic,
// race or note. It takes a few minutes (a killed process's jobs wait out
// their 1-minute lease), so it runs only with HEARTH_CHAOS=1;
// HEARTH_CHAOS_SEED picks other moments.
func TestChaos(t *testing.T) {
	if os.Getenv("HEARTH_CHAOS") != "1" {
		t.Skip("set HEARTH_CHAOS=1 to run the chaos test (a few minutes)")
	}
	seed := uint64(chaosDefaultSeed)
	if s := os.Getenv("HEARTH_CHAOS_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("HEARTH_CHAOS_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("seed %d (set HEARTH_CHAOS_SEED to replay)", seed)
	rng := mrand.New(mrand.NewPCG(seed, seed+1))
	ctx, cancel := context.WithTimeout(context.Background(), chaosDeadline)
	defer cancel()

	fake := discordtest.NewServer(t)
	w := newChaosWorld(t, ctx, fake)

	// Half the alerts are due before the first start, half arrive while
	// hearth runs; all reminders are due at once.
	w.addAlerts(t, ctx, chaosAlerts/2)
	w.addReminders(t, ctx)
	fake.FailRandomly(0.10, 0.05, seed)

	p := &chaosProcess{t: t, env: w.env, dir: t.TempDir(), logs: &syncBuffer{}}
	p.start()
	defer p.stop()

	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		w.addAlerts(t, ctx, chaosAlerts-chaosAlerts/2)
	}()
	dropCtx, stopDrops := context.WithCancel(ctx)
	drops := 0
	bg.Add(1)
	go func() {
		defer bg.Done()
		dr := mrand.New(mrand.NewPCG(seed+2, seed+3))
		for {
			select {
			case <-dropCtx.Done():
				return
			case <-time.After(2*time.Second + time.Duration(dr.IntN(2000))*time.Millisecond):
				fake.DropConnections()
				drops++
			}
		}
	}()

	// Each kill lands once a random share of the work is visible, plus a
	// random fraction of a second, so it falls in the middle of sends.
	total := 2*chaosAlerts + chaosGroups*chaosMeetings
	for k := range chaosKills {
		share := 0.15 + 0.2*float64(k) + 0.15*rng.Float64()
		target := int(share * float64(total))
		if err := fake.WaitFor(ctx, func() bool { return p.exited() || w.progress() >= target }); err != nil {
			t.Fatalf("kill %d: waiting for %d of %d sends: %v\n%s", k+1, target, total, err, p.logs.String())
		}
		select {
		case <-time.After(time.Duration(rng.IntN(500)) * time.Millisecond):
		case <-ctx.Done():
		}
		p.kill()
		t.Logf("SIGKILL %d at %d of %d sends", k+1, w.progress(), total)
		p.start()
	}

	// Everything visible is not yet everything finished: a job whose post
	// went through before a kill may be waiting to retry, and its retry
	// must find the post instead of making a second one. The gateway drops
	// make the fake re-evaluate this every few seconds.
	if err := fake.WaitFor(ctx, func() bool { return p.exited() || (w.progress() >= total && w.settled(ctx)) }); err != nil {
		t.Errorf("not everything was delivered: %d of %d: %v", w.progress(), total, err)
	}
	stopDrops()
	bg.Wait()
	if p.exited() {
		err := <-p.done
		p.cmd = nil
		t.Fatalf("hearth exited by itself (run %d): %v\n%s", p.runs, err, p.logs.String())
	}
	p.stop() // nothing may be sent after this: the counts below are final

	w.checkExactlyOnce(t)
	w.checkJobsDone(t, ctx)
	if n := fake.RandomFailures(); n == 0 {
		t.Error("the fake failed no request: the test proved nothing about 5xx and 429")
	} else {
		t.Logf("%d requests failed with 5xx or 429, %d gateway drops, %d kills", n, drops, chaosKills)
	}
	if drops == 0 {
		t.Error("the gateway was never dropped")
	}
	logs := p.logs.String()
	for _, bad := range []string{"panic", "DATA RACE", w.canary} {
		if strings.Contains(logs, bad) {
			t.Errorf("hearth's log contains %q", bad)
		}
	}
	for _, c := range fake.Calls() {
		if strings.Contains(string(c.Body), w.canary) {
			t.Errorf("%s %s sent the note to Discord", c.Method, c.Path)
		}
	}
	if t.Failed() {
		t.Logf("hearth's log:\n%s", logs)
	}
}

// chaosWorld is the server, the database the test shares with the
// subprocess, and what must be delivered.
type chaosWorld struct {
	fake     *discordtest.Server
	db       *storage.DB
	env      []string
	canary   string
	guild    string
	fac, obs string
	members  []string
	alertG   *hearth.Group

	mu        sync.Mutex
	alerts    []int64
	reminders []chaosReminder
	byChannel map[string][]chaosReminder
	briefs    []chaosBrief // of the first chaosBriefMeetings meetings of each group
}

// chaosBrief is a pre-meeting brief both psychologists must get once:
// what its DM says about the meeting, and its two jobs' keys.
type chaosBrief struct {
	text string
	keys []string
}

type chaosReminder struct {
	channel string
	stamp   string // the meeting's start, as the post renders it
	key     string // the job
}

func newChaosWorld(t *testing.T, ctx context.Context, fake *discordtest.Server) *chaosWorld {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	keys, err := storage.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	dsn := filepath.Join(t.TempDir(), "hearth.db")
	db, err := storage.Open(ctx, "sqlite", dsn, storage.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &chaosWorld{fake: fake, db: db, byChannel: map[string][]chaosReminder{}, canary: "chaos-canary-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	w.guild = fake.AddGuild("", "Support Server")
	user := func(name string) string {
		id := fake.AddUser("", name, false)
		fake.AddMember(w.guild, id)
		return id
	}
	w.fac, w.obs = user("dr-facilitator"), user("dr-observer")
	for i := range 4 {
		w.members = append(w.members, user(fmt.Sprintf("member%d", i+1)))
	}
	w.env = append(os.Environ(),
		chaosChildEnv+"=1",
		"HEARTH_DISCORD_TOKEN="+fake.Token,
		"HEARTH_DISCORD_API_BASE_URL="+fake.URL,
		"HEARTH_DISCORD_GUILD_ID="+w.guild,
		"HEARTH_DATABASE_DRIVER=sqlite",
		"HEARTH_DATABASE_DSN="+dsn,
		"HEARTH_SECURITY_ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(key),
		"HEARTH_HTTP_LISTEN=",
		"HEARTH_LOG_LEVEL=debug",
	)
	w.alertG = w.group(t, ctx, "Alert Circle")
	return w
}

// group stores a group with its own channel and the members.
func (w *chaosWorld) group(t *testing.T, ctx context.Context, name string) *hearth.Group {
	t.Helper()
	g := &hearth.Group{
		GuildID: w.guild, Name: name, ChannelID: w.fake.AddChannel(w.guild, "", strings.ToLower(strings.ReplaceAll(name, " ", "-"))),
		FacilitatorID: w.fac, ObserverID: w.obs, Timezone: "Europe/Madrid",
		LengthMinutes: 90, ReminderOffsets: []time.Duration{chaosReminderShift}, Sharers: 2,
	}
	if err := w.db.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: w.guild, ActorID: w.fac, Action: "group.create"}); err != nil {
		t.Fatalf("create group: %v", err)
	}
	for _, m := range w.members {
		if err := w.db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: m, AgreedAt: time.Now()}); err != nil {
			t.Fatalf("join: %v", err)
		}
	}
	return g
}

// addAlerts stores n alerts as /struggling does: the alert with its note,
// its deliveries and its jobs in one transaction. The subprocess finds the
// jobs on its next look at the queue.
func (w *chaosWorld) addAlerts(t *testing.T, ctx context.Context, n int) {
	for i := range n {
		a := &hearth.Alert{
			GuildID: w.guild, GroupID: w.alertG.ID, UserID: w.members[i%len(w.members)],
			Urgency: hearth.UrgencyLater, Note: w.canary, CreatedAt: time.Now().UTC(),
		}
		ds, jobs := hearth.NewAlertWork(a, w.alertG, hearth.DefaultConfig().Alerts)
		if err := w.db.CreateAlert(ctx, a, ds, jobs); err != nil {
			t.Errorf("create alert: %v", err)
			return
		}
		w.mu.Lock()
		w.alerts = append(w.alerts, a.ID)
		w.mu.Unlock()
	}
}

// addReminders stores chaosMeetings one-off meetings in each of
// chaosGroups groups, each with its reminder job due now.
func (w *chaosWorld) addReminders(t *testing.T, ctx context.Context) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	for gi := range chaosGroups {
		g := w.group(t, ctx, fmt.Sprintf("Circle %d", gi+1))
		for mi := range chaosMeetings {
			// Due a few seconds ago: well inside the catch-up window.
			starts := now.Add(chaosReminderShift - time.Duration(mi+1)*time.Second)
			m := &hearth.Meeting{GroupID: g.ID, StartsAt: starts, EndsAt: starts.Add(g.Length()), OneOff: true}
			if err := w.db.CreateMeeting(ctx, m); err != nil {
				t.Fatalf("create meeting: %v", err)
			}
			off := hearth.FormatOffset(chaosReminderShift)
			key := hearth.MeetingKey(m.ID, "reminder", off)
			j := hearth.MeetingJob(hearth.JobMeetingReminder, m, g, "", off, starts.Add(-chaosReminderShift), key)
			if err := w.db.EnqueueJobs(ctx, j); err != nil {
				t.Fatalf("enqueue reminder: %v", err)
			}
			if mi < chaosBriefMeetings {
				// Due now, like the reminder (zero "now": BriefJobs plans
				// only briefs still ahead of it).
				briefs := hearth.BriefJobs(m, g, chaosReminderShift, time.Time{})
				if err := w.db.EnqueueJobs(ctx, briefs...); err != nil {
					t.Fatalf("enqueue briefs: %v", err)
				}
				b := chaosBrief{text: "Brief for the **" + g.Name + "** meeting " + hearth.Timestamp(starts, "F")}
				for _, j := range briefs {
					b.keys = append(b.keys, j.Key)
				}
				w.briefs = append(w.briefs, b)
			}
			r := chaosReminder{channel: g.ChannelID, stamp: hearth.Timestamp(starts, "F"), key: key}
			w.reminders = append(w.reminders, r)
			w.byChannel[r.channel] = append(w.byChannel[r.channel], r)
		}
	}
}

// alertDMs counts the alert DMs of a psychologist by alert id.
func (w *chaosWorld) alertDMs(user string) map[int64]int {
	n := map[int64]int{}
	for _, m := range w.fake.DMs(user) {
		if sub := alertDMRe.FindStringSubmatch(m.Content); sub != nil {
			id, _ := strconv.ParseInt(sub[1], 10, 64)
			n[id]++
		}
	}
	return n
}

// reminderPosts counts the reminder posts by channel and start.
func (w *chaosWorld) reminderPosts() map[chaosReminder]int {
	n := map[chaosReminder]int{}
	for ch, rs := range w.byChannel {
		for _, m := range w.fake.Messages(ch) {
			if !strings.HasPrefix(m.Content, "⏰") {
				continue
			}
			for _, r := range rs {
				if strings.Contains(m.Content, r.stamp) {
					n[r]++
				}
			}
		}
	}
	return n
}

// progress is how many of the expected sends are visible, each counted once.
func (w *chaosWorld) progress() int {
	n := 0
	for _, user := range []string{w.fac, w.obs} {
		n += len(w.alertDMs(user))
	}
	return n + len(w.reminderPosts())
}

// settled reports whether no delivery job is pending any more: none due
// within the hour (retries wait at most 5 minutes; the alerts' escalation
// checks, a day away, do not count).
func (w *chaosWorld) settled(ctx context.Context) bool {
	st, err := w.db.QueueStats(ctx, time.Now().Add(time.Hour), time.Hour)
	return err == nil && st.Due == 0
}

func (w *chaosWorld) checkExactlyOnce(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	alerts := append([]int64(nil), w.alerts...)
	w.mu.Unlock()
	if len(alerts) != chaosAlerts {
		t.Errorf("%d alerts stored, want %d", len(alerts), chaosAlerts)
	}
	for _, user := range []string{w.fac, w.obs} {
		got := w.alertDMs(user)
		bad := 0
		for _, id := range alerts {
			if got[id] != 1 {
				bad++
				if bad <= 5 {
					t.Errorf("alert #%d reached %s %d times, want once", id, user, got[id])
				}
			}
		}
		if len(got) != len(alerts) {
			t.Errorf("%s got DMs about %d alerts, want %d", user, len(got), len(alerts))
		}
	}
	posts := w.reminderPosts()
	bad := 0
	for _, r := range w.reminders {
		if c := posts[r]; c != 1 {
			bad++
			if bad <= 5 {
				t.Errorf("reminder %s posted %d times, want once", r.key, c)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d reminders not posted exactly once", bad, len(w.reminders))
	}
	for _, user := range []string{w.fac, w.obs} {
		dms := w.fake.DMs(user)
		bad := 0
		for _, b := range w.briefs {
			n := 0
			for _, m := range dms {
				if strings.HasPrefix(m.Content, b.text) {
					n++
				}
			}
			if n != 1 {
				bad++
				if bad <= 5 {
					t.Errorf("%q reached %s %d times, want once", b.text, user, n)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d briefs not sent to %s exactly once", bad, len(w.briefs), user)
		}
	}
}

// checkJobsDone checks the queue agrees: every delivery and reminder job
// finished as done, none failed or was skipped as missed.
func (w *chaosWorld) checkJobsDone(t *testing.T, ctx context.Context) {
	t.Helper()
	var keys []string
	for _, id := range w.alerts {
		for _, user := range []string{w.fac, w.obs} {
			keys = append(keys, hearth.AlertKey(id, "dm", user))
		}
	}
	for _, r := range w.reminders {
		keys = append(keys, r.key)
	}
	for _, b := range w.briefs {
		keys = append(keys, b.keys...)
	}
	bad := 0
	for _, k := range keys {
		j, err := w.db.Job(ctx, k)
		if err != nil || j.Status != hearth.JobDone {
			bad++
			if bad <= 5 {
				t.Errorf("job %s: %+v, %v; want done", k, j, err)
			}
		}
	}
}

// chaosProcess is the `hearth run` subprocess, restarted after each kill
// with the same environment; its stderr from every run goes to logs.
type chaosProcess struct {
	t    *testing.T
	env  []string
	dir  string
	logs *syncBuffer

	cmd  *exec.Cmd
	done chan error
	runs int
	gone atomic.Bool // the current run ended without the test ending it
}

// exited reports whether the current run ended on its own, so a wait for
// progress stops at once instead of at its deadline.
func (p *chaosProcess) exited() bool { return p.gone.Load() }

func (p *chaosProcess) start() {
	p.t.Helper()
	p.runs++
	fmt.Fprintf(p.logs, "=== run %d ===\n", p.runs)
	cmd := exec.Command(os.Args[0], "run")
	cmd.Env = p.env
	cmd.Dir = p.dir // no config.toml here: the environment is the configuration
	cmd.Stdout = p.logs
	cmd.Stderr = p.logs
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start hearth: %v", err)
	}
	done := make(chan error, 1)
	p.gone.Store(false)
	go func() {
		err := cmd.Wait()
		p.gone.Store(true)
		done <- err
	}()
	p.cmd, p.done = cmd, done
}

// kill SIGKILLs the process: no deferred function, no graceful shutdown.
// A process that had already exited is a failure: only the test ends runs.
func (p *chaosProcess) kill() {
	p.t.Helper()
	select {
	case err := <-p.done:
		p.cmd = nil
		p.t.Fatalf("hearth exited by itself (run %d): %v\n%s", p.runs, err, p.logs.String())
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.cmd = nil
}

// stop ends the process as an operator would, with SIGTERM, and waits for
// it; it must exit cleanly. Safe to call twice.
func (p *chaosProcess) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("hearth after SIGTERM: %v", err)
		}
	case <-time.After(waitTimeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Errorf("hearth did not stop within %s of SIGTERM", waitTimeout)
	}
	p.cmd = nil
}
