package bot

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

func TestLimiter_ServesPriorityFirst(t *testing.T) {
	l := newLimiter(1000)
	// Hold the next slot far away while the queue fills, so the order does
	// not depend on scheduling.
	l.mu.Lock()
	l.next = time.Now().Add(time.Hour)
	l.mu.Unlock()

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
	l.mu.Lock()
	l.next = time.Now()
	l.headChanged()
	l.mu.Unlock()

	want := []int{hearth.PriorityAlert, hearth.PriorityMeeting, hearth.PriorityReminder, hearth.PriorityReminder}
	for i, w := range want {
		if got := <-order; got != w {
			t.Fatalf("release %d has priority %d, want %d", i, got, w)
		}
	}
}

func TestLimiter_Cancel(t *testing.T) {
	l := newLimiter(1)
	l.mu.Lock()
	l.next = time.Now().Add(time.Hour)
	l.mu.Unlock()
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
