package scheduler_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

// lossyDiscord keeps channel posts like Discord does with enforce_nonce (a
// nonce seen before returns the first message) and loses its answer to the
// failAt-th send: the message is created, the caller gets an error.
type lossyDiscord struct {
	mu     sync.Mutex
	sends  int
	failAt int
	nonces []string          // of every send, in order
	posted map[string]string // nonce → message id
	posts  []string          // contents created, in order
}

func (d *lossyDiscord) Send(_ context.Context, _ string, m *hearth.Message, nonce string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.sends++
	d.nonces = append(d.nonces, nonce)
	id, seen := d.posted[nonce]
	if !seen {
		id = strconv.Itoa(1000 + len(d.posts))
		d.posted[nonce] = id
		d.posts = append(d.posts, m.Content)
	}
	if d.sends == d.failAt {
		return "", errors.New("connection reset") // created, answer lost
	}
	return id, nil
}

func (d *lossyDiscord) DMChannel(context.Context, string) (string, error) { return "dm", nil }
func (d *lossyDiscord) Edit(context.Context, string, string, *hearth.Message) error {
	return nil
}
func (d *lossyDiscord) Delete(context.Context, string, string) error             { return nil }
func (d *lossyDiscord) AddRole(context.Context, string, string, string) error    { return nil }
func (d *lossyDiscord) RemoveRole(context.Context, string, string, string) error { return nil }
func (d *lossyDiscord) CreateEvent(context.Context, *hearth.ScheduledEvent) (string, error) {
	return "", nil
}
func (d *lossyDiscord) UpdateEvent(context.Context, string, *hearth.ScheduledEvent) error {
	return nil
}
func (d *lossyDiscord) DeleteEvent(context.Context, string, string) error { return nil }

// TestMeetings_SplitReminderResumes loses the answer to a middle part of
// a reminder split over several messages: the retry resends that part with
// its nonce and goes on, and no part is posted twice.
func TestMeetings_SplitReminderResumes(t *testing.T) {
	for _, failAt := range []int{1, 2, 3} {
		t.Run("LostPart"+strconv.Itoa(failAt), func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
				ctx := context.Background()
				g := newGroup(t, db, "Anxiety", "", start)
				for i := range 300 {
					if err := db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: strconv.Itoa(1234567890123456789 - i)}); err != nil {
						t.Fatal(err)
					}
				}
				m := &hearth.Meeting{GroupID: g.ID, StartsAt: start.Add(24 * time.Hour), EndsAt: start.Add(25 * time.Hour)}
				if err := db.CreateMeeting(ctx, m); err != nil {
					t.Fatal(err)
				}
				key := hearth.MeetingKey(m.ID, "reminder", "1d")
				if err := db.EnqueueJobs(ctx, hearth.MeetingJob(hearth.JobMeetingReminder, m, g, "", "1d", start, key)); err != nil {
					t.Fatal(err)
				}
				d := &lossyDiscord{failAt: failAt, posted: map[string]string{}}
				e := scheduler.NewEngine(db, clk.Now, quietLog())
				(&scheduler.Meetings{Engine: e, Store: db, Discord: d, CatchUp: time.Hour, Log: quietLog()}).Register()
				runDue(t, e)
				clk.Advance(time.Minute) // past the retry's backoff
				runDue(t, e)

				got, err := db.Meeting(ctx, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				parts := hearth.ReminderPosts(g, got, locale.English)
				if len(parts) < 3 {
					t.Fatalf("%d parts: the test needs a reminder split in at least 3", len(parts))
				}
				if len(d.posts) != len(parts) {
					t.Errorf("%d messages posted for %d parts", len(d.posts), len(parts))
				}
				for i, p := range parts {
					if i < len(d.posts) && d.posts[i] != p.Content {
						t.Errorf("post %d is not part %d", i+1, i+1)
					}
				}
				if d.sends != len(parts)+1 || d.nonces[failAt-1] != d.nonces[failAt] {
					t.Errorf("sends with nonces %v: want each part once and the lost one again with its nonce", d.nonces)
				}
				j := job(t, db, key)
				if ids := hearth.PostIDs(j.Result); j.Status != hearth.JobDone || len(ids) != len(parts) {
					t.Errorf("job %s with result %q, want done with %d message ids", j.Status, j.Result, len(parts))
				}
			})
		})
	}
}
