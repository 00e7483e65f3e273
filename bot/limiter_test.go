package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// fakeClock is the limiter's clock in these tests: it moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testLimiter is a limiter of perSecond and burst on a clock that moves
// only when the test moves it.
func testLimiter(perSecond float64, burst int) (*limiter, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	l := newLimiter(perSecond, burst)
	l.now = clk.now
	l.tb.AllowN(clk.now(), 0) // start the bucket on the test's clock, full
	return l, clk
}

// tick moves the clock by d and wakes the head of the queue, as its timer
// would.
func tick(l *limiter, clk *fakeClock, d time.Duration) {
	clk.add(d)
	l.mu.Lock()
	l.headChanged()
	l.mu.Unlock()
}

func TestLimiter_ServesPriorityFirst(t *testing.T) {
	l, clk := testLimiter(1, 1)
	if err := l.wait(context.Background(), hearth.PriorityReminder); err != nil { // spend the token
		t.Fatal(err)
	}
	// Same-priority waiters are served in arrival order; only priorities
	// matter to this test.
	order := make(chan int, 4)
	for _, p := range []int{hearth.PriorityReminder, hearth.PriorityReminder, hearth.PriorityMeeting, hearth.PriorityAlert} {
		go func() {
			if err := l.wait(context.Background(), p); err != nil {
				t.Error(err)
			}
			order <- p
		}()
	}
	for queued(l) < 4 {
		runtime.Gosched()
	}
	want := []int{hearth.PriorityAlert, hearth.PriorityMeeting, hearth.PriorityReminder, hearth.PriorityReminder}
	for i, w := range want {
		tick(l, clk, time.Second) // one token
		if got := <-order; got != w {
			t.Fatalf("release %d has priority %d, want %d", i, got, w)
		}
	}
}

// TestLimiter_BurstWhenIdle checks that after a quiet spell a few requests
// go at once (an alert's DMs are not spaced out), and that the bucket then
// holds the rest to the sustained rate.
func TestLimiter_BurstWhenIdle(t *testing.T) {
	l, clk := testLimiter(1, 4) // one token a second, four at most
	for i := range 4 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := l.wait(ctx, hearth.PriorityReminder); err != nil {
			t.Fatalf("request %d of the burst waited: %v", i, err)
		}
		cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := l.wait(ctx, hearth.PriorityAlert); err != context.DeadlineExceeded {
		t.Fatalf("fifth request at once = %v, want it held (DeadlineExceeded)", err)
	}
	done := make(chan error, 1)
	go func() { done <- l.wait(context.Background(), hearth.PriorityAlert) }()
	for queued(l) < 1 {
		runtime.Gosched()
	}
	tick(l, clk, time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestLimiter_RealRate checks on the real clock that a long run stays under
// Discord's 50 requests in any second: the bucket's burst plus its rate.
func TestLimiter_RealRate(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a second")
	}
	l := newLimiter(DefaultRate, DefaultBurst)
	var times []time.Time
	start := time.Now()
	for time.Since(start) < 1200*time.Millisecond {
		if err := l.wait(context.Background(), hearth.PriorityReminder); err != nil {
			t.Fatal(err)
		}
		times = append(times, time.Now())
	}
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		if n > DefaultRate+DefaultBurst {
			t.Fatalf("%d requests within one second from request %d, want at most %d", n, i, DefaultRate+DefaultBurst)
		}
	}
	if DefaultRate+DefaultBurst >= 50 {
		t.Fatalf("rate %d + burst %d reach Discord's 50/s", DefaultRate, DefaultBurst)
	}
	if len(times) < DefaultRate { // 1.2 s at 45/s plus the burst is ~58
		t.Fatalf("only %d requests in 1.2 s", len(times))
	}
}

func TestLimiter_Cancel(t *testing.T) {
	l, _ := testLimiter(1, 1)
	if err := l.wait(context.Background(), hearth.PriorityReminder); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.wait(ctx, hearth.PriorityReminder) }()
	for queued(l) < 1 {
		runtime.Gosched()
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("wait = %v, want context.Canceled", err)
	}
	if n := queued(l); n != 0 {
		t.Errorf("%d waiters left in the queue", n)
	}
}

func queued(l *limiter) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waiting.Len()
}

func TestRewriteTransport(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	rt, err := newRewriteTransport(srv.URL+"/proxy/api/v9/", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://discord.com/api/v9/channels/1/messages?x=1", nil)
	req.Header.Set("Authorization", "Bot secret")
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.URL.Path != "/proxy/api/v9/channels/1/messages" || got.URL.RawQuery != "x=1" {
		t.Errorf("rewritten to %s?%s", got.URL.Path, got.URL.RawQuery)
	}
	if got.Header.Get("Authorization") != "Bot secret" {
		t.Errorf("headers not kept")
	}
	if req.URL.Host != "discord.com" {
		t.Errorf("the caller's request was modified")
	}
}
