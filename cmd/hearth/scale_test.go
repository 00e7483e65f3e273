package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/storage"
)

// Scale targets of issue 10: `hearth run` with 10,000 groups is ready in
// under 5 s and stays under 200 MB resident.
const (
	maxStartup = 5 * time.Second
	maxRSS     = 200 << 20
)

// scaleIdle is how long the process idles before its memory is read.
const scaleIdle = 5 * time.Second

// TestScale_StartupAndMemory builds hearth, stores 0 or 10,000 groups (with
// schedules in five zones, the planner benchmark's mix), runs `hearth run`
// as its own process against the fake Discord and reports the time from exec
// to "hearth is running", to the end of the first planning pass ("meetings
// planned": two weeks of meetings and their jobs), and the process's resident memory (VmRSS of
// /proc/PID/status) after it idled, and its peak (VmHWM). It takes a minute,
// so it runs only with HEARTH_BENCH=1:
//
//	HEARTH_BENCH=1 go test ./cmd/hearth -run TestScale -v
func TestScale_StartupAndMemory(t *testing.T) {
	if os.Getenv("HEARTH_BENCH") == "" {
		t.Skip("a benchmark: set HEARTH_BENCH=1")
	}
	bin := filepath.Join(t.TempDir(), "hearth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build hearth: %v\n%s", err, out)
	}
	for _, groups := range []int{0, 10000} {
		t.Run(fmt.Sprintf("groups-%d", groups), func(t *testing.T) {
			fake := discordtest.NewServer(t, discordtest.WithoutValidation())
			guild := fake.AddGuild("", "Support Server")
			channel := fake.AddChannel(guild, "", "groups")
			key := make([]byte, 32)
			rand.Read(key)
			dsn := filepath.Join(t.TempDir(), "hearth.db")
			seeded := time.Now()
			seedGroups(t, dsn, key, guild, channel, groups)
			t.Logf("stored %d groups in %s", groups, time.Since(seeded).Round(time.Millisecond))

			ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			cmd := exec.Command(bin, "run")
			cmd.Env = append(os.Environ(),
				"HEARTH_DISCORD_TOKEN="+fake.Token, "HEARTH_DISCORD_API_BASE_URL="+fake.URL,
				"HEARTH_DISCORD_GUILD_ID="+guild, "HEARTH_DATABASE_DSN="+dsn, "HEARTH_HTTP_LISTEN=",
				"HEARTH_SECURITY_ENCRYPTION_KEY="+base64.StdEncoding.EncodeToString(key))
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				cmd.Process.Signal(os.Interrupt)
				cmd.Wait()
			})
			ready, planned := make(chan struct{}), make(chan struct{})
			go func() {
				sc := bufio.NewScanner(stderr)
				var r, p bool
				for sc.Scan() {
					if !r && strings.Contains(sc.Text(), "hearth is running") {
						close(ready)
						r = true
					}
					if !p && strings.Contains(sc.Text(), "meetings planned") {
						close(planned)
						p = true
					}
				}
			}()
			select {
			case <-ready:
			case <-ctx.Done():
				t.Fatalf("hearth not ready after %s", waitTimeout)
			}
			startup := time.Since(t0)
			var planning time.Duration
			if groups > 0 { // with nothing to plan the planner says nothing
				select {
				case <-planned:
				case <-ctx.Done():
					t.Fatalf("first planning pass not done after %s", waitTimeout)
				}
				planning = time.Since(t0)
			}
			<-time.After(scaleIdle) // idle on purpose: the figure is idle memory
			rss, hwm := procMemory(t, cmd.Process.Pid)
			t.Logf("groups=%d startup-to-ready=%s exec-to-first-plan-done=%s idle-VmRSS=%.1fMB peak-VmHWM=%.1fMB",
				groups, startup.Round(time.Millisecond), planning.Round(time.Millisecond), float64(rss)/(1<<20), float64(hwm)/(1<<20))
			if startup > maxStartup {
				t.Errorf("start-up took %s, target %s", startup, maxStartup)
			}
			if planning > maxStartup {
				t.Errorf("the first planning pass ended %s after exec, target %s", planning, maxStartup)
			}
			if hwm > maxRSS {
				t.Errorf("peak resident memory %d MB, target %d MB", hwm>>20, maxRSS>>20)
			}
		})
	}
}

// seedGroups stores n groups of guild with schedules in several zones,
// through the store as /group create would.
func seedGroups(t *testing.T, dsn string, key []byte, guild, channel string, n int) {
	t.Helper()
	ctx := context.Background()
	keys, err := storage.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, "sqlite", dsn, storage.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// The mix of scheduler/planner_bench_test.go, so the figures compare.
	schedules := []string{
		"every tuesday at 19:00", "every mon,thu at 18:30", "every other wednesday at 19:00",
		"first monday of the month at 19:00", "0 19 * * 5", "every day at 09:00",
	}
	zones := []string{"Europe/Madrid", "America/New_York", "Australia/Sydney", "America/Santiago", "UTC"}
	for i := range n {
		g := &hearth.Group{
			GuildID: guild, Name: fmt.Sprintf("Group %05d", i), ChannelID: channel,
			FacilitatorID: "1", ObserverID: "2", Timezone: zones[i%len(zones)], Schedule: schedules[i%len(schedules)],
			ScheduleSetAt: time.Now(),
			LengthMinutes: 90, ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour}, Sharers: 2,
		}
		if err := db.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: guild, ActorID: "0", Action: "group.create"}); err != nil {
			t.Fatalf("group %d: %v", i, err)
		}
	}
}

// procMemory returns VmRSS and VmHWM of a process, in bytes.
func procMemory(t *testing.T, pid int) (rss, hwm int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb << 10
		case "VmHWM:":
			hwm = kb << 10
		}
	}
	return rss, hwm
}
