package hearth

import (
	"strconv"
	"strings"
)

// RotaParts renders a rota too long for one message over as many messages
// as Discord's limits need (content ≤ MaxContent, ≤ MaxMentionUsers pings
// each), in check-in order. Part n of N starts with
// "**Check-in order (n/N):**" and its share of the order; the first part
// then has the Sharers line and first, the last part ends with last. So a
// caller attaches buttons to the last part, the one edited afterwards.
//
// With ping, every member of the rota is pinged exactly once across the
// parts: the sharers in the first part (whose Sharers line names them), the
// others in the part that lists them. Without ping, nobody is.
func RotaParts(r *Rota, first, last string, ping bool, p Printer) []Message {
	return rotaParts(r, first, last, ping, 0, p)
}

// rotaParts is RotaParts leaving room characters free in the last part,
// for what is added to it afterwards (the round of a start post).
func rotaParts(r *Rota, first, last string, ping bool, room int, p Printer) []Message {
	sharers, _ := RotaLines(r, p)
	var order []string
	if r != nil {
		order = r.Order
	}
	entry := func(i int) string { return strconv.Itoa(i+1) + ". " + mention(order[i]) }
	pinged := func(i int) bool { return ping && !r.IsSharer(order[i]) }

	// The title is reserved at its widest: N is at most the number of entries.
	w := strings.Repeat("9", len(strconv.Itoa(max(len(order), 1))))
	partTitle := func(n, of string) string { return p.Text("meeting.order_part", "N", n, "Total", of) }
	title := TextLen(partTitle(w, w))
	reserve := room
	if last != "" {
		reserve += TextLen(last) + 1
	}
	type span struct{ from, to int }
	var spans []span
	for from := 0; from < len(order) || len(spans) == 0; {
		budget, mentions := MaxContent-title-reserve, 0
		if len(spans) == 0 {
			budget -= TextLen(sharers) + 1
			if first != "" {
				budget -= TextLen(first) + 1
			}
			if ping && r != nil {
				mentions = len(r.Sharers)
			}
		}
		to, used := from, 0
		for to < len(order) {
			cost := TextLen(entry(to))
			if to > from {
				cost++ // the space between entries
			}
			p := 0
			if pinged(to) {
				p = 1
			}
			if to > from && (used+cost > budget || mentions+p > MaxMentionUsers) {
				break
			}
			used, mentions, to = used+cost, mentions+p, to+1
		}
		spans = append(spans, span{from, to})
		from = to
	}

	parts := make([]Message, len(spans))
	for n, sp := range spans {
		var b strings.Builder
		b.WriteString(partTitle(strconv.Itoa(n+1), strconv.Itoa(len(spans))))
		if len(order) == 0 {
			b.WriteString(p.Text("meeting.order_part_empty"))
		}
		var users []string
		if n == 0 && ping && r != nil {
			users = append(users, r.Sharers...)
		}
		for i := sp.from; i < sp.to; i++ {
			if i > sp.from {
				b.WriteByte(' ')
			}
			b.WriteString(entry(i))
			if pinged(i) {
				users = append(users, order[i])
			}
		}
		if n == 0 {
			b.WriteString("\n" + sharers)
			if first != "" {
				b.WriteString("\n" + first)
			}
		}
		if n == len(spans)-1 && last != "" {
			b.WriteString("\n" + last)
		}
		parts[n] = Message{Content: b.String(), MentionUsers: users}
	}
	return parts
}

// PostIDs returns the message ids of a post sent in parts, as a job's
// Result holds them (see JoinPostIDs); the last is the part edited
// afterwards (the round's buttons).
func PostIDs(result string) []string {
	if result == "" {
		return nil
	}
	return strings.Split(result, ",")
}

// JoinPostIDs is the job Result of a post sent in parts: their message ids
// in order, so a retry after a crash sends only the parts not yet sent.
func JoinPostIDs(ids []string) string { return strings.Join(ids, ",") }
