package hearth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

func TestCanonicalSchedule_Spanish(t *testing.T) {
	for _, tc := range []struct{ in, stored, es, en string }{
		{"cada martes a las 19:00", "every tuesday at 19:00", "cada martes a las 19:00", "every Tuesday at 19:00"},
		{"Cada Miércoles a las 19:00", "every wednesday at 19:00", "cada miércoles a las 19:00", "every Wednesday at 19:00"},
		{"cada miercoles a las 19:00", "every wednesday at 19:00", "cada miércoles a las 19:00", "every Wednesday at 19:00"},
		{"cada lun,jue a las 18:30", "every mon,thu at 18:30", "cada lunes y jueves a las 18:30", "every Monday and Thursday at 18:30"},
		{"cada lun, mié y vie a las 18:30", "every mon,wed and fri at 18:30", "cada lunes, miércoles y viernes a las 18:30", "every Monday, Wednesday and Friday at 18:30"},
		{"cada sáb a las 10:00", "every sat at 10:00", "cada sábado a las 10:00", "every Saturday at 10:00"},
		{"cada sab a las 10:00", "every sat at 10:00", "cada sábado a las 10:00", "every Saturday at 10:00"},
		{"cada dom a las 10:00", "every sun at 10:00", "cada domingo a las 10:00", "every Sunday at 10:00"},
		{"cada día a las 09:00", "every day at 09:00", "cada día a las 09:00", "every day at 09:00"},
		{"todos los días a las 09:00", "every day at 09:00", "cada día a las 09:00", "every day at 09:00"},
		{"todos los dias a las 09:00 y 18:00", "every day at 09:00 and 18:00", "cada día a las 09:00 y 18:00", "every day at 09:00 and 18:00"},
		{"todos los martes a las 19:00", "every tuesday at 19:00", "cada martes a las 19:00", "every Tuesday at 19:00"},
		{"cada dos miércoles a las 19:00", "every other wednesday at 19:00", "cada dos miércoles a las 19:00", "every other Wednesday at 19:00"},
		{"primer lunes de cada mes a las 19:00", "first monday of the month at 19:00", "el primer lunes de cada mes a las 19:00", "the first Monday of each month at 19:00"},
		{"segundo martes de cada mes a las 19:00", "second tuesday of the month at 19:00", "el segundo martes de cada mes a las 19:00", "the second Tuesday of each month at 19:00"},
		{"tercer jueves del mes a las 19:00", "third thursday of the month at 19:00", "el tercer jueves de cada mes a las 19:00", "the third Thursday of each month at 19:00"},
		{"cuarto viernes de cada mes a las 19:00", "fourth friday of the month at 19:00", "el cuarto viernes de cada mes a las 19:00", "the fourth Friday of each month at 19:00"},
		{"el último domingo de cada mes a las 12:00", "last sunday of the month at 12:00", "el último domingo de cada mes a las 12:00", "the last Sunday of each month at 12:00"},
		{"ultimo domingo de cada mes a las 12:00", "last sunday of the month at 12:00", "el último domingo de cada mes a las 12:00", "the last Sunday of each month at 12:00"},
		{"cada jueves a la 1:00", "every thursday at 1:00", "cada jueves a la 01:00", "every Thursday at 01:00"},
		{"every tuesday at 19:00", "every tuesday at 19:00", "cada martes a las 19:00", "every Tuesday at 19:00"},
		{"0 19 * * 2", "0 19 * * 2", "cron 0 19 * * 2", "cron 0 19 * * 2"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			stored, err := hearth.CanonicalSchedule(tc.in)
			if err != nil {
				t.Fatalf("CanonicalSchedule: %v", err)
			}
			if stored != tc.stored {
				t.Errorf("stored %q, want %q", stored, tc.stored)
			}
			if got := hearth.DescribeScheduleIn(stored, locale.Spanish); got != tc.es {
				t.Errorf("Spanish description %q, want %q", got, tc.es)
			}
			if got := hearth.DescribeScheduleIn(stored, locale.English); got != tc.en {
				t.Errorf("English description %q, want %q", got, tc.en)
			}
			// The English catalog says what the domain's own description says.
			if got, want := hearth.DescribeScheduleIn(stored, locale.English), hearth.DescribeSchedule(stored); got != want {
				t.Errorf("English description %q differs from DescribeSchedule %q", got, want)
			}
			// Spanish and canonical forms meet at the same times.
			madrid, _ := hearth.LoadLocation("Europe/Madrid")
			at := time.Date(2026, 3, 20, 12, 0, 0, 0, madrid)
			a, err := hearth.ParseSchedule(tc.in, madrid, at)
			if err != nil {
				t.Fatal(err)
			}
			b, err := hearth.ParseSchedule(stored, madrid, at)
			if err != nil {
				t.Fatal(err)
			}
			if x, y := hearth.NextN(a, at, 4), hearth.NextN(b, at, 4); fmt.Sprint(x) != fmt.Sprint(y) {
				t.Errorf("times differ: %v vs %v", x, y)
			}
		})
	}
}

func TestCanonicalSchedule_SpanishErrors(t *testing.T) {
	for _, in := range []string{
		"cada martis a las 19:00", // not a day
		"cada martes a las 25:00",
		"cada martes",
		"cada dos lunes y martes a las 19:00", // biweekly takes one day
		"quinto lunes de cada mes a las 19:00",
		"primer lunes de cada semana a las 19:00",
		"todos los",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := hearth.CanonicalSchedule(in)
			if hearth.ErrorCode(err) != hearth.EINVALID {
				t.Fatalf("accepted or wrong error: %v", err)
			}
		})
	}
}

// Spanish schedules are stored in the English form and described in the
// reader's language.
func ExampleCanonicalSchedule() {
	for _, expr := range []string{
		"cada martes a las 19:00",
		"cada lun,jue a las 18:30",
		"todos los días a las 09:00",
		"cada dos miércoles a las 19:00",
		"primer lunes de cada mes a las 19:00",
		"cada viernes a la 1:00",
	} {
		stored, err := hearth.CanonicalSchedule(expr)
		if err != nil {
			fmt.Println(hearth.ErrorMessage(err))
			continue
		}
		fmt.Printf("%s → %s → %s\n", expr, stored, hearth.DescribeScheduleIn(stored, locale.Spanish))
	}
	// Output:
	// cada martes a las 19:00 → every tuesday at 19:00 → cada martes a las 19:00
	// cada lun,jue a las 18:30 → every mon,thu at 18:30 → cada lunes y jueves a las 18:30
	// todos los días a las 09:00 → every day at 09:00 → cada día a las 09:00
	// cada dos miércoles a las 19:00 → every other wednesday at 19:00 → cada dos miércoles a las 19:00
	// primer lunes de cada mes a las 19:00 → first monday of the month at 19:00 → el primer lunes de cada mes a las 19:00
	// cada viernes a la 1:00 → every friday at 1:00 → cada viernes a la 01:00
}

func TestParseSchedule_ErrorsInTheReadersLanguage(t *testing.T) {
	madrid, _ := hearth.LoadLocation("Europe/Madrid")
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, madrid)
	for _, tc := range []struct{ in, es string }{
		{"", "El horario está vacío. Usa una forma como `cada martes a las 19:00`"},
		{"cada martis a las 19:00", "No entiendo `cada martis a las 19:00` como horario: `martis` no es un día"},
		{"every tusday at 19:00", "`tusday` no es un día"},
		{"cada martes a las 25:00", "en `25:00` la hora debe ir de 00 a 23"},
		{"cada martes", "no tiene hora"},
		{"cada dos lunes y martes a las 19:00", "`cada dos` va con un solo día"},
		{"quinto lunes de cada mes a las 19:00", "No entiendo `quinto lunes de cada mes a las 19:00` como horario."},
		{"0 19 * *", "una expresión cron tiene 5 campos (minuto hora día-del-mes mes día-de-la-semana); esta tiene 4"},
		{"0 0 30 2 *", "El horario `0 0 30 2 *` no se cumple nunca"},
		{"TZ=Europe/Madrid 0 19 * * 2", "la zona horaria es la del grupo"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			_, err := hearth.ParseSchedule(tc.in, madrid, at)
			if hearth.ErrorCode(err) != hearth.EINVALID {
				t.Fatalf("error %v, want EINVALID", err)
			}
			// The English catalog says what the domain's message says.
			if en, msg := hearth.ErrorMessageIn(err, locale.English), hearth.ErrorMessage(err); en != msg {
				t.Errorf("English rendering differs from the message:\n%s\n%s", en, msg)
			}
			if es := hearth.ErrorMessageIn(err, locale.Spanish); !strings.Contains(es, tc.es) {
				t.Errorf("Spanish: %q does not contain %q", es, tc.es)
			}
		})
	}
}

func TestInputErrors_InTheReadersLanguage(t *testing.T) {
	_, offErr := hearth.ParseOffsets("24x")
	_, countErr := hearth.ParseOffsets("1h,2h,3h,4h,5h,6h")
	_, rangeErr := hearth.ParseOffsets("1m")
	_, twiceErr := hearth.ParseOffsets("1h,60m")
	_, atErr := hearth.ParseMeetingTime("mañana", time.UTC)
	_, _, dateErr := hearth.ParseMeetingDate("17/03/2026", time.UTC)
	for _, tc := range []struct {
		err error
		es  string
	}{
		{offErr, "\"24x\" no es un aviso"},
		{countErr, "Indica de 1 a 5 avisos"},
		{rangeErr, "Cada recordatorio debe ir entre 5m y 7d"},
		{twiceErr, "El recordatorio 1h aparece dos veces"},
		{atErr, "No entiendo \"mañana\" como fecha y hora"},
		{dateErr, "No entiendo \"17/03/2026\" como fecha"},
	} {
		if hearth.ErrorCode(tc.err) != hearth.EINVALID {
			t.Fatalf("error %v, want EINVALID", tc.err)
		}
		if en, msg := hearth.ErrorMessageIn(tc.err, locale.English), hearth.ErrorMessage(tc.err); en != msg {
			t.Errorf("English rendering differs from the message:\n%s\n%s", en, msg)
		}
		if es := hearth.ErrorMessageIn(tc.err, locale.Spanish); !strings.Contains(es, tc.es) {
			t.Errorf("Spanish: %q does not contain %q", es, tc.es)
		}
	}
}
