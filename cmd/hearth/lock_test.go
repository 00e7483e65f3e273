package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
)

// TestLockHelper is not a test: run by TestMain_Lock as a child process, it
// holds the lock of the database in HEARTH_TEST_LOCK_DSN until killed.
func TestLockHelper(t *testing.T) {
	dsn := os.Getenv("HEARTH_TEST_LOCK_DSN")
	if dsn == "" {
		t.Skip("helper process only")
	}
	cfg := hearth.DefaultConfig()
	cfg.Database.DSN = dsn
	if _, err := lockDatabase(cfg); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("locked\n")
	select {} // until killed
}

func TestMain_Lock(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "hearth.db")
	env := map[string]string{"HEARTH_DATABASE_DSN": dsn, "HEARTH_DISCORD_TOKEN": "tok"}

	// Another process holds the database, as a running `hearth run` would.
	child := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	child.Env = append(os.Environ(), "HEARTH_TEST_LOCK_DSN="+dsn)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	t.Cleanup(func() {
		if !killed {
			_ = child.Process.Kill()
			_ = child.Wait()
		}
	})
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	for _, cmd := range []string{"run", "migrate", "rekey"} {
		t.Run("ErrSecond_"+cmd, func(t *testing.T) {
			code, _, errOut := runMain(t, env, cmd)
			if code != exitConfig || !strings.Contains(errOut, dsn) || !strings.Contains(errOut, "another hearth process") {
				t.Errorf("exit %d, stderr %q", code, errOut)
			}
		})
	}
	t.Run("CrashReleases", func(t *testing.T) {
		// A crashed process holds nothing: the kernel drops its flock.
		if err := child.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = child.Wait()
		killed = true
		code, _, errOut := runMain(t, env, "migrate")
		if code != 0 {
			t.Fatalf("exit %d after the holder died: %s", code, errOut)
		}
	})
	t.Run("ReleasedOnExit", func(t *testing.T) {
		code, _, errOut := runMain(t, env, "migrate")
		if code != 0 {
			t.Fatalf("exit %d after a migrate ended: %s", code, errOut)
		}
	})
}
