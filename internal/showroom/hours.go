package showroom

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Vietnam is the time zone opening hours are written in, whatever the
// server's own.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Interval is one opening of a day, in minutes after midnight. Closes at
// or before Opens means the showroom closes after midnight, on the next
// day (a night market: 18:00-01:00).
type Interval struct {
	Opens, Closes int
}

// Overnight reports whether the interval runs past midnight.
func (iv Interval) Overnight() bool { return iv.Closes <= iv.Opens }

// String is "07:30-17:30".
func (iv Interval) String() string { return clock(iv.Opens) + "-" + clock(iv.Closes) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Week is the opening hours of each weekday: index 0 is Monday … 6 is
// Sunday (ISO order, as Vietnamese writes the days: Thứ Hai … Chủ nhật).
type Week [7][]Interval

// Empty reports whether no day has hours.
func (w Week) Empty() bool {
	for _, d := range w {
		if len(d) > 0 {
			return false
		}
	}
	return true
}

// Exception is a day unlike the week: closed (no intervals), or open at
// other hours.
type Exception struct {
	Date      time.Time // the day, midnight in Vietnam
	Intervals []Interval
	Note      string
}

// Hours are a showroom's week and its exceptions.
type Hours struct {
	Week       Week
	Exceptions []Exception
}

// day returns the intervals of the calendar day d (midnight in Vietnam):
// an exception's when there is one, else the week's.
func (h Hours) day(d time.Time) []Interval {
	for _, e := range h.Exceptions {
		if e.Date.Equal(d) {
			return e.Intervals
		}
	}
	return h.Week[isoIndex(d.Weekday())]
}

// OpenAt reports whether the showroom is open at t (read in Vietnam's
// time): within one of the day's intervals, or within the part after
// midnight of the previous day's overnight one.
func (h Hours) OpenAt(t time.Time) bool {
	t = t.In(Vietnam)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Vietnam)
	m := t.Hour()*60 + t.Minute()
	for _, iv := range h.day(today) {
		if m >= iv.Opens && (iv.Overnight() || m < iv.Closes) {
			return true
		}
	}
	for _, iv := range h.day(today.AddDate(0, 0, -1)) {
		if iv.Overnight() && m < iv.Closes {
			return true
		}
	}
	return false
}

// Today returns the intervals of the day of t, in Vietnam.
func (h Hours) Today(t time.Time) []Interval {
	t = t.In(Vietnam)
	return h.day(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Vietnam))
}

func isoIndex(w time.Weekday) int { return (int(w) + 6) % 7 }

// DayNames are the weekdays as Vietnamese writes them, Monday first.
var DayNames = [7]string{"Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"}

// schemaDays are the schema.org DayOfWeek names, Monday first.
var schemaDays = [7]string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

var (
	reTime = regexp.MustCompile(`^([01]?[0-9]|2[0-4])(?:[:h]([0-5][0-9])?)?$`)
	reSpan = regexp.MustCompile(`^(.+?)\s*[-–]\s*(.+)$`)
	// a time range at the start of a group's times: " 07:30-17:30"
	reFirstRange = regexp.MustCompile(`(?:^|[\s,])\d{1,2}(?:[:hH](?:[0-5]\d)?)?\s*[-–]\s*\d{1,2}(?:[:hH](?:[0-5]\d)?)?(?:[\s,]|$)`)
)

// dayIndex reads a day as the department writes it: T2 … T7, CN, "Thứ 2",
// "thứ hai", "Chủ nhật", and the English Mon … Sun.
func dayIndex(s string) (int, bool) {
	k := strings.ReplaceAll(vntext.Fold(s), " ", "")
	switch k {
	case "t2", "thu2", "thuhai", "mon", "monday":
		return 0, true
	case "t3", "thu3", "thuba", "tue", "tuesday":
		return 1, true
	case "t4", "thu4", "thutu", "wed", "wednesday":
		return 2, true
	case "t5", "thu5", "thunam", "thu", "thursday":
		return 3, true
	case "t6", "thu6", "thusau", "fri", "friday":
		return 4, true
	case "t7", "thu7", "thubay", "sat", "saturday":
		return 5, true
	case "cn", "chunhat", "sun", "sunday":
		return 6, true
	}
	return 0, false
}

// parseDays reads "T2-T6", "T7,CN", "T2-T4, T6" or "Hằng ngày" (every
// day) into day indexes.
func parseDays(s string) ([]int, error) {
	switch strings.ReplaceAll(vntext.Fold(s), " ", "") {
	case "hangngay", "cactuan", "moingay", "daily", "everyday", "t2cn":
		return []int{0, 1, 2, 3, 4, 5, 6}, nil
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if m := reSpan.FindStringSubmatch(part); m != nil {
			a, ok1 := dayIndex(m[1])
			b, ok2 := dayIndex(m[2])
			if !ok1 || !ok2 || b < a {
				return nil, fmt.Errorf("khoảng ngày %q không đọc được (ví dụ T2-T6)", part)
			}
			for d := a; d <= b; d++ {
				out = append(out, d)
			}
			continue
		}
		d, ok := dayIndex(part)
		if !ok {
			return nil, fmt.Errorf("ngày %q không đọc được (T2 … T7, CN)", part)
		}
		out = append(out, d)
	}
	return out, nil
}

func parseClock(s string) (int, bool) {
	m := reTime.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	h, _ := strconv.Atoi(m[1])
	min := 0
	if m[2] != "" {
		min, _ = strconv.Atoi(m[2])
	}
	if h == 24 && min != 0 {
		return 0, false
	}
	return h*60 + min, true
}

// ParseIntervals reads "07:30-11:30, 13:30-17:00" (also 7h30-17h,
// 18:00-01:00 past midnight).
func ParseIntervals(s string) ([]Interval, error) {
	var out []Interval
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		m := reSpan.FindStringSubmatch(part)
		if m == nil {
			return nil, fmt.Errorf("giờ %q không đọc được (ví dụ 07:30-17:30)", part)
		}
		a, ok1 := parseClock(m[1])
		b, ok2 := parseClock(m[2])
		if !ok1 || !ok2 || a == b || a == 24*60 {
			return nil, fmt.Errorf("giờ %q không đọc được (ví dụ 07:30-17:30)", part)
		}
		out = append(out, Interval{Opens: a, Closes: b % (24 * 60)})
	}
	return out, nil
}

// ParseWeek reads opening hours as the department writes them: groups
// separated by ";", each days then intervals: "T2-T6 07:30-17:30; T7,CN
// 08:00-12:00", "Hằng ngày 07:00-21:00", "T2-T6 07:30-11:30, 13:30-17:00".
// A day named twice is an error; days not named are closed.
func ParseWeek(s string) (Week, error) {
	var w Week
	s = strings.TrimSpace(vntext.NFC(s))
	if s == "" {
		return w, nil
	}
	for _, group := range strings.Split(s, ";") {
		group = strings.TrimSpace(group)
		if group == "" {
			continue
		}
		// the days end where the first time range begins ("T2-T6" is
		// not one: its digits follow a letter)
		loc := reFirstRange.FindStringIndex(group)
		if loc == nil {
			return w, fmt.Errorf("nhóm %q thiếu giờ mở cửa (ví dụ T2-T6 07:30-17:30)", group)
		}
		i := loc[0]
		if i > 0 || group[0] == ' ' || group[0] == ',' {
			i++ // the separator before the time
		}
		if strings.TrimSpace(group[:i]) == "" {
			return w, fmt.Errorf("nhóm %q thiếu ngày (ví dụ T2-T6 07:30-17:30)", group)
		}
		days, err := parseDays(strings.TrimSpace(group[:i]))
		if err != nil {
			return w, err
		}
		ivs, err := ParseIntervals(group[i:])
		if err != nil {
			return w, err
		}
		for _, d := range days {
			if len(w[d]) > 0 {
				return w, fmt.Errorf("%s có hai lần giờ mở cửa", DayNames[d])
			}
			w[d] = slices.Clone(ivs)
		}
	}
	return w, nil
}

// String writes the week back in the department's form, days with the
// same hours grouped: "T2-T6 07:30-17:30; T7, CN 08:00-12:00".
func (w Week) String() string {
	short := [7]string{"T2", "T3", "T4", "T5", "T6", "T7", "CN"}
	var groups []string
	done := [7]bool{}
	for d := range 7 {
		if done[d] || len(w[d]) == 0 {
			continue
		}
		same := []int{d}
		for e := d + 1; e < 7; e++ {
			if !done[e] && slices.Equal(w[e], w[d]) {
				same = append(same, e)
			}
		}
		var names []string
		for i := 0; i < len(same); {
			j := i
			for j+1 < len(same) && same[j+1] == same[j]+1 {
				j++
			}
			switch {
			case j-i >= 2:
				names = append(names, short[same[i]]+"-"+short[same[j]])
			case j > i:
				names = append(names, short[same[i]], short[same[j]])
			default:
				names = append(names, short[same[i]])
			}
			i = j + 1
		}
		for _, e := range same {
			done[e] = true
		}
		var ivs []string
		for _, iv := range w[d] {
			ivs = append(ivs, iv.String())
		}
		groups = append(groups, strings.Join(names, ", ")+" "+strings.Join(ivs, ", "))
	}
	return strings.Join(groups, "; ")
}
