package launchpad

import (
	"bytes"
	"io"
	"time"
)

// AnswersInquiry reports whether model m answers a Universal Device
// Inquiry (the original Launchpad and the Minis before the MK3 do not).
func AnswersInquiry(m Model) bool {
	switch m {
	case Launchpad, LaunchpadMini:
		return false
	}
	return true
}

// Inquire sends a Universal Device Inquiry on port and waits up to wait
// for a reply among the messages that come back (an echo of the request
// or other traffic is skipped). The caller closes port afterwards, which
// ends the reading goroutine Inquire starts.
func Inquire(port io.ReadWriter, wait time.Duration) (family, member uint16, version string, ok bool) {
	type reply struct {
		family, member uint16
		version        string
	}
	got := make(chan reply, 1)
	go func() {
		var all []byte
		buf := make([]byte, 256)
		for len(all) < 1<<16 {
			n, err := port.Read(buf)
			all = append(all, buf[:n]...)
			for {
				i := bytes.IndexByte(all, 0xF0)
				j := bytes.IndexByte(all[max(i, 0):], 0xF7)
				if i < 0 || j < 0 {
					break
				}
				if f, m, v, ok := ParseInquiryReply(all[i : i+j+1]); ok {
					got <- reply{f, m, v}
					return
				}
				all = all[i+j+1:]
			}
			if err != nil {
				return
			}
		}
	}()
	if _, err := port.Write(InquiryRequest()); err != nil {
		return 0, 0, "", false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case r := <-got:
		return r.family, r.member, r.version, true
	case <-t.C:
		return 0, 0, "", false
	}
}

// ConfirmModel asks the Launchpad on port, found by its port name as m,
// for its identity: a reply naming another Launchpad wins; no reply, or
// one consistent with m, keeps m.
func ConfirmModel(m Model, port io.ReadWriter, wait time.Duration) Model {
	fam, _, _, ok := Inquire(port, wait)
	if !ok || InquiryMatches(m, fam) {
		return m
	}
	if got, ok := ModelFromInquiry(fam); ok {
		return got
	}
	return m
}
