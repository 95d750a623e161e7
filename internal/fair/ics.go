package fair

import (
	"net/url"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"
)

// ICS is the iCalendar (RFC 5545) feed of events, with links under
// baseURL: one VEVENT per event from the first day's opening to the last
// day's closing (UTC times), its venue, description and page; a
// cancelled event stays in the feed with STATUS:CANCELLED so calendars
// that had it drop it. Text is escaped and lines folded by the library
// (github.com/arran4/golang-ical).
func ICS(events []*Event, baseURL, name string) string {
	cal := ics.NewCalendarFor("Chợ OCOP")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT12H")
	host := "ocop"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, e := range events {
		ev := cal.AddEvent("event-" + strconv.FormatInt(e.ID, 10) + "@" + host)
		ev.SetDtStampTime(e.UpdatedAt)
		ev.SetModifiedAt(e.UpdatedAt)
		ev.SetStartAt(e.Start())
		ev.SetEndAt(e.End())
		ev.SetSummary(e.Name)
		var where []string
		for _, p := range []string{e.VenueName, e.VenueAddress, e.CommuneName, e.ProvinceName} {
			if p = strings.TrimSpace(p); p != "" {
				where = append(where, p)
			}
		}
		if len(where) > 0 {
			ev.SetLocation(strings.Join(where, ", "))
		}
		if e.Lat != nil && e.Lng != nil {
			ev.SetGeo(*e.Lat, *e.Lng)
		}
		page := baseURL + "/hoi-cho/" + e.Slug
		desc := KindName(e.Kind) + ". " + e.Hours() + " hằng ngày."
		if e.Organizer != "" {
			desc += " Đơn vị tổ chức: " + e.Organizer + "."
		}
		if e.Description != "" {
			desc += "\n\n" + e.Description
		}
		ev.SetDescription(desc + "\n\n" + page)
		ev.SetURL(page)
		if e.Status == Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	// RFC 5545 wants CRLF whatever the server's system
	return cal.Serialize(ics.WithNewLineWindows)
}
