package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestDemo runs `hearth demo` as a newcomer would and checks the transcript
// shows each step of the week, marked with who sees it.
func TestDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := NewMain(&out, &errOut).Run(context.Background(), []string{"demo"}); code != 0 {
		t.Fatalf("demo exited %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	transcript := out.String()
	steps := []struct{ what, want string }{
		{"the admin creates the group", "Ana (admin): /group create"},
		{"the group is created with both psychologists", "Created **Anxiety Circle**"},
		{"a weekly schedule", "now meets every Tuesday at 19:00"},
		{"reminders", "before:24h,1h"},
		{"members see the guidelines", "What is shared in the group stays in the group"},
		{"members agree", "Ines: presses [I agree]"},
		{"the reminder arrives with the rota", "# #anxiety-circle (everyone in the channel sees):\n    ⏰ **Anxiety Circle** meets"},
		{"the rota lines", "**Sharers:**"},
		{"one member passes", "You passed your turn"},
		{"one member is away", "You are away for the next 1 meeting"},
		{"members check in with moods, privately", "reply, ephemeral (only Marta sees):\n    ✅ You are checked in"},
		{"a member reports struggling", "Omar: /struggling"},
		{"both psychologists get the DM", "✉ DM to Dr. Chen:\n    Private alert #1"},
		{"the note only behind View note", "(only Dr. Chen sees):\n    **Note from @Omar"},
		{"one acknowledges", "Status: Acknowledged by @Dr. Rivera"},
		{"the member is told", "✉ DM to Omar:\n    @Dr. Rivera, a psychologist of **Anxiety Circle**, has seen your message"},
		{"the meeting starts", "is starting now"},
		{"the summary arrives", "✉ DM to Dr. Rivera:\n    Summary of the **Anxiety Circle** meeting"},
		{"the details are ephemeral", "(only Dr. Rivera sees):\n    Details of the **Anxiety Circle** meeting"},
		{"the psychologists get the brief", "✉ DM to Dr. Chen:\n    Brief for the **Anxiety Circle** meeting"},
		{"a member joins the voice channel", "Leo: joins the voice channel"},
		{"the start post carries the round", "**Now:** @Marta"},
		{"a member may not move the round", "(only Marta sees):\n    Only the group's facilitator and observer can move the round"},
		{"the round moves", "🎙️ **Round** — sharing 1/2"},
		{"attendance from presence", "Attended: 4 of 4 members (1 from voice presence)"},
		{"the details say so", "@Leo — ✅ attended · in voice, did not check in"},
		{"a session note is written in a form", "(only Dr. Chen sees):\n    a form opens: Session note"},
		{"and read back ephemerally", "(only Dr. Rivera sees):\n    Session notes of **Anxiety Circle**"},
	}
	for _, s := range steps {
		if !strings.Contains(transcript, s.want) {
			t.Errorf("the transcript does not show %s (%q)", s.what, s.want)
		}
	}
	// Nothing private is ever posted where the group can read it.
	posts := 0
	for _, block := range strings.Split(transcript, "\n  # #anxiety-circle")[1:] {
		var body []string
		for _, line := range strings.Split(block, "\n")[1:] {
			if !strings.HasPrefix(line, "    ") {
				break
			}
			body = append(body, line)
		}
		post := strings.Join(body, "\n")
		posts++
		for _, secret := range []string{"drink", "mood", "Mood", "alert", "3.2", "Theme tonight", "voice presence"} {
			if strings.Contains(post, secret) {
				t.Errorf("a channel post shows %q:\n%s", secret, post)
			}
		}
	}
	if posts < 3 {
		t.Errorf("%d channel posts in the transcript, want the two reminders and the start", posts)
	}
	if t.Failed() {
		t.Logf("transcript:\n%s\nstderr:\n%s", transcript, errOut.String())
	}
}

func TestDemo_JSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := NewMain(&out, &errOut).Run(context.Background(), []string{"demo", "-json"}); code != 0 {
		t.Fatalf("demo -json exited %d: %s", code, errOut.String())
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var ev map[string]string
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		kinds[ev["event"]+"/"+ev["kind"]]++
	}
	for _, k := range []string{"action/", "message/ephemeral", "message/dm", "message/post", "message/update"} {
		if kinds[k] == 0 {
			t.Errorf("no %s events: %v", k, kinds)
		}
	}
}

// TestDemo_Spanish runs `hearth demo -lang es`: the server's and everyone's
// Discord is in Spanish, and so is the transcript.
func TestDemo_Spanish(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := NewMain(&out, &errOut).Run(context.Background(), []string{"demo", "-lang", "es"}); code != 0 {
		t.Fatalf("demo -lang es exited %d:\n%s\n%s", code, out.String(), errOut.String())
	}
	transcript := out.String()
	for _, want := range []string{
		"demo de hearth — una semana",
		"── lunes 2 de marzo de 2026, 10:00 CET ──",
		"se reúne ahora cada martes a las 19:00",
		"**El grupo no sustituye al tratamiento individual.**",
		"Ines: pulsa [Acepto]",
		"# #anxiety-circle (lo ve todo el canal):\n    ⏰ **Anxiety Circle** se reúne",
		"✉ MD a Dr. Chen:\n    Alerta privada n.º 1",
		"Recaída: Sí",
		"✉ MD a Omar:\n    @Dr. Rivera, profesional de **Anxiety Circle**, ha visto tu mensaje",
		"empieza ahora",
	} {
		if !strings.Contains(transcript, want) {
			t.Errorf("the Spanish transcript does not show %q", want)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", transcript)
	}
	t.Run("ErrUnknownLanguage", func(t *testing.T) {
		var out, errOut bytes.Buffer
		if code := NewMain(&out, &errOut).Run(context.Background(), []string{"demo", "-lang", "fr"}); code == 0 {
			t.Fatal("demo -lang fr succeeded")
		}
		if !strings.Contains(errOut.String(), "-lang must be en or es") {
			t.Errorf("stderr: %s", errOut.String())
		}
	})
}
