package hearth

import (
	"strconv"
	"time"
)

// Job kinds of meetings. Every one carries the meeting's id (and group and
// guild); the handlers read everything else from storage when they run.
const (
	JobMeetingReminder JobKind = "meeting.reminder" // post in the group channel (Arg: offset, FormatOffset)
	JobMeetingDM       JobKind = "meeting.dm"       // the reminder by DM to one member (UserID; Arg: offset)
	JobMeetingStart    JobKind = "meeting.start"    // post the check-in order; status running
	JobMeetingEnd      JobKind = "meeting.end"      // status done; count the shares of the rota (Arg: EndArg)
	JobMeetingEvent    JobKind = "meeting.event"    // older versions' event job: now run as a JobGuildEvents sync
	JobMeetingNotice   JobKind = "meeting.notice"   // a post in the group channel (Arg: NoticeSkipped)
	JobMeetingStaff    JobKind = "meeting.staff"    // a content-free notice in the staff channel (Arg: reason)
)

// Arguments of notice jobs.
const (
	NoticeSkipped        = "skipped"           // the meeting was cancelled with /schedule skip
	StaffChannelGone     = "channel-gone"      // the group channel no longer exists
	StaffChannelNoAccess = "channel-forbidden" // hearth may not post in the group channel
)

// MeetingKey returns the key of one piece of a meeting's work:
//
//	meeting:<id>:reminder:<offset>   the reminder post at an offset, e.g. meeting:7:reminder:24h
//	meeting:<id>:dm:<offset>:<user>  that reminder by DM to one member
//	meeting:<id>:start, meeting:<id>:end
//	meeting:<id>:notice:skipped, meeting:<id>:staff:<reason>
//
// A key is used once: work that is planned again after a change gets the
// key with a suffix ~2, ~3… (see the planner), so CancelJobs with a key as
// prefix reaches every generation of that piece of work.
func MeetingKey(meetingID int64, parts ...string) string {
	k := "meeting:" + strconv.FormatInt(meetingID, 10)
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// MeetingJob returns a job of a meeting of g.
func MeetingJob(kind JobKind, m *Meeting, g *Group, userID, arg string, due time.Time, key string) *Job {
	p := PriorityMeeting
	switch kind {
	case JobMeetingReminder, JobMeetingDM:
		p = PriorityReminder
	}
	return &Job{
		Kind: kind, Key: key, Priority: p, DueAt: due.UTC(),
		GuildID: g.GuildID, GroupID: g.ID, MeetingID: m.ID, UserID: userID, Arg: arg,
	}
}

// MeetingJobs returns the timed work of a meeting that is still ahead at
// now: a reminder at each of the group's offsets whose time is after now,
// the start (if after now) and the end. A reminder whose time has passed
// when the meeting is planned (a one-off set an hour ahead with a 24h
// reminder) is not sent late.
func MeetingJobs(m *Meeting, g *Group, now time.Time) []*Job {
	var jobs []*Job
	for _, off := range g.ReminderOffsets {
		due := m.StartsAt.Add(-off)
		if due.After(now) {
			o := FormatOffset(off)
			jobs = append(jobs, MeetingJob(JobMeetingReminder, m, g, "", o, due, MeetingKey(m.ID, "reminder", o)))
		}
	}
	if m.StartsAt.After(now) {
		jobs = append(jobs, MeetingJob(JobMeetingStart, m, g, "", "", m.StartsAt, MeetingKey(m.ID, "start")))
	}
	if m.EndsAt.After(now) {
		jobs = append(jobs, MeetingJob(JobMeetingEnd, m, g, "", EndArg(m), m.EndsAt, MeetingKey(m.ID, "end")))
	}
	return jobs
}

// EndArg is the Arg of a meeting's end job: the end it was planned for, in
// Unix seconds. A job's DueAt moves when it is retried; its Arg does not, so
// a handler and the planner tell a stale end (the length changed) by it.
func EndArg(m *Meeting) string { return strconv.FormatInt(m.EndsAt.Unix(), 10) }

// ReminderOffset returns the offset of a reminder or reminder DM job, from
// its Arg, and whether it is one.
func ReminderOffset(j *Job) (time.Duration, bool) {
	offs, err := ParseOffsets(j.Arg)
	if err != nil || len(offs) != 1 {
		return 0, false
	}
	return offs[0], true
}

// ReminderDMJob returns the DM of the reminder job r to one member.
func ReminderDMJob(r *Job, userID string, now time.Time) *Job {
	return &Job{
		Kind: JobMeetingDM, Key: MeetingKey(r.MeetingID, "dm", r.Arg, userID), Priority: PriorityReminder,
		DueAt: now.UTC(), GuildID: r.GuildID, GroupID: r.GroupID, MeetingID: r.MeetingID, UserID: userID, Arg: r.Arg,
	}
}

// MeetingWorkPrefixes returns the key prefixes of a meeting's reminders,
// reminder DMs, start and end, of every generation: CancelJobs with each
// cancels the posts of a meeting that will not take place.
func MeetingWorkPrefixes(meetingID int64) []string {
	return []string{
		MeetingKey(meetingID, "reminder") + ":",
		MeetingKey(meetingID, "dm") + ":",
		MeetingKey(meetingID, "start"),
		MeetingKey(meetingID, "end"),
	}
}

// CancelMeeting cancels a scheduled meeting and returns the work that
// follows: a sync of the server's events (which deletes the meeting's) and,
// with notify, telling the group
// channel. The caller saves m and the jobs together and then cancels the
// jobs under MeetingWorkPrefixes. A meeting that is running, done or
// already cancelled is ECONFLICT.
func CancelMeeting(m *Meeting, g *Group, now time.Time, notify bool) ([]*Job, error) {
	switch m.Status {
	case MeetingCancelled:
		return nil, Errorf(ECONFLICT, "The meeting of %s is already cancelled.", Timestamp(m.StartsAt, "F"))
	case MeetingRunning, MeetingDone:
		return nil, Errorf(ECONFLICT, "The meeting of %s has already started, so it can't be skipped.", Timestamp(m.StartsAt, "F"))
	}
	m.Status = MeetingCancelled
	jobs := []*Job{EventsJob(g.GuildID, now, "cancel:"+strconv.FormatInt(m.ID, 10))}
	if notify {
		jobs = append(jobs, MeetingJob(JobMeetingNotice, m, g, "", NoticeSkipped, now, MeetingKey(m.ID, "notice", NoticeSkipped)))
	}
	return jobs, nil
}
