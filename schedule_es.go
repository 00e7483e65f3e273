package hearth

import (
	"fmt"
	"strings"
	"time"
)

// The Spanish friendly forms (SPEC §10) are read by translating them, word
// by word, into the English grammar of parseFriendly, so both languages
// share one parser and one stored form: CanonicalSchedule stores a Spanish
// schedule as its English equivalent.
//
//	cada martes a las 19:00                 every tuesday at 19:00
//	cada lun,jue a las 18:30                every mon,thu at 18:30
//	cada día a las 09:00                    every day at 09:00
//	todos los días a las 09:00              every day at 09:00
//	cada dos miércoles a las 19:00          every other wednesday at 19:00
//	primer lunes de cada mes a las 19:00    first monday of the month at 19:00
//	cada jueves a la 1:00                   every thursday at 1:00

// spanishDays are the Spanish day names, written without accents (they are
// removed before lookup), full and short.
var spanishDays = map[string]string{
	"lunes": "monday", "martes": "tuesday", "miercoles": "wednesday", "jueves": "thursday",
	"viernes": "friday", "sabado": "saturday", "domingo": "sunday",
	"sabados": "saturday", "domingos": "sunday",
	"lun": "mon", "mar": "tue", "mie": "wed", "jue": "thu", "vie": "fri", "sab": "sat", "dom": "sun",
}

// spanishOrdinals are the weeks of `primer lunes de cada mes`.
var spanishOrdinals = map[string]string{
	"primer": "first", "primero": "first", "1er": "first", "1º": "first",
	"segundo": "second", "2º": "second",
	"tercer": "third", "tercero": "third", "3er": "third", "3º": "third",
	"cuarto": "fourth", "4º": "fourth",
	"ultimo": "last",
}

// spanishStart are the words a Spanish schedule starts with.
var spanishStart = map[string]bool{"cada": true, "todos": true, "el": true}

// foldAccents removes the Spanish accents, so "miércoles" and "miercoles"
// read alike.
var foldAccents = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u")

// isSpanishSchedule reports whether normalized text is in the Spanish form.
func isSpanishSchedule(text string) bool {
	first, _, _ := strings.Cut(foldAccents.Replace(text), " ")
	_, ordinal := spanishOrdinals[first]
	return spanishStart[first] || ordinal
}

// spanishToEnglish translates a normalized Spanish schedule into the
// English friendly grammar; words it does not know pass through, so the
// English parser reports them.
func spanishToEnglish(text string) string {
	toks := strings.Fields(strings.ReplaceAll(foldAccents.Replace(text), ",", " , "))
	var out []string
	at := func(i int) string {
		if i < len(toks) {
			return toks[i]
		}
		return ""
	}
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		switch {
		case tok == "el" && i == 0: // "el primer lunes …"
		case tok == "todos" && at(i+1) == "los": // todos los días / todos los martes
			out = append(out, "every")
			i++
		case tok == "cada":
			out = append(out, "every")
			if at(i+1) == "dos" { // cada dos miércoles: fortnightly
				out = append(out, "other")
				i++
			}
		case tok == "a" && (at(i+1) == "las" || at(i+1) == "la"):
			out = append(out, "at")
			i++
		case (tok == "de" || tok == "del") && (at(i+1) == "cada" || at(i+1) == "mes"):
			// de cada mes, del mes, de mes
			if at(i+1) == "cada" {
				i++
			}
			if at(i+1) == "mes" {
				i++
			}
			out = append(out, "of", "the", "month")
		case tok == "dia" || tok == "dias":
			if at(i+1) == "laborable" || at(i+1) == "laborables" {
				out = append(out, "weekday")
				i++
				continue
			}
			out = append(out, "day")
		case tok == "y":
			out = append(out, "and")
		case tok == "mediodia":
			out = append(out, "noon")
		case tok == "medianoche":
			out = append(out, "midnight")
		default:
			if d, ok := spanishDays[tok]; ok {
				out = append(out, d)
			} else if o, ok := spanishOrdinals[tok]; ok {
				out = append(out, o)
			} else {
				out = append(out, tok)
			}
		}
	}
	return NormalizeSchedule(strings.Join(out, " "))
}

// CanonicalSchedule returns the form in which a schedule expression is
// stored: a Spanish friendly form becomes its English equivalent (`cada
// martes a las 19:00` is stored as `every tuesday at 19:00`), anything else
// is normalized by NormalizeSchedule. It fails as ParseSchedule does on an
// expression that cannot be read.
func CanonicalSchedule(expr string) (string, error) {
	if _, err := parseScheduleSpec(expr); err != nil {
		return "", err
	}
	text := NormalizeSchedule(expr)
	if isSpanishSchedule(text) {
		return spanishToEnglish(text), nil
	}
	return text, nil
}

// DescribeScheduleIn describes a schedule expression in the reader's
// language, such as "cada lunes y jueves a las 18:30"; an expression that
// cannot be read is returned normalized.
func DescribeScheduleIn(expr string, p Printer) string {
	spec, err := parseScheduleSpec(expr)
	if err != nil {
		return NormalizeSchedule(expr)
	}
	if spec.kind == specCron {
		return p.Text("schedule.cron", "Expr", spec.text)
	}
	var days string
	switch spec.days {
	case everyDay:
		days = p.Text("schedule.day")
	case everyWeekday:
		days = p.Text("schedule.weekday")
	default:
		var names []string
		for i := 1; i <= 7; i++ { // Monday first
			if wd := time.Weekday(i % 7); spec.days&(1<<wd) != 0 {
				names = append(names, p.Text(fmt.Sprintf("schedule.weekday_%d", int(wd))))
			}
		}
		days = joinWith(names, p.Text("schedule.and"))
	}
	clocks := make([]string, len(spec.times))
	for i, m := range spec.times {
		clocks[i] = fmt.Sprintf("%02d:%02d", m/60, m%60)
	}
	// Spanish says "a la 1:00" but "a las 19:00": the count picks the form.
	n := 2
	if len(spec.times) == 1 && spec.times[0]/60%12 == 1 {
		n = 1
	}
	at := p.Text("schedule.at", "Count", n, "Times", joinWith(clocks, p.Text("schedule.and")))
	switch spec.kind {
	case specBiweekly:
		return p.Text("schedule.biweekly", "Days", days, "At", at)
	case specMonthly:
		nth := p.Text("schedule.nth_last")
		if spec.nth > 0 {
			nth = p.Text(fmt.Sprintf("schedule.nth_%d", spec.nth))
		}
		return p.Text("schedule.monthly", "Nth", nth, "Days", days, "At", at)
	}
	return p.Text("schedule.weekly", "Days", days, "At", at)
}

// joinWith joins words as "a, b and c" with the reader's "and".
func joinWith(words []string, and string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + and + " " + words[len(words)-1]
}
