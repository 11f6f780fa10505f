package launchpad

import (
	"strconv"
	"strings"
)

// deviceNames are the ALSA card/client names of each model, longest first:
// "Launchpad Mini" is a prefix of "Launchpad Mini MK3" and "Launchpad Pro"
// of "Launchpad Pro MK3" (protocols.md §1.1).
var deviceNames = []struct {
	name string
	m    Model
}{
	{"launchpad mini mk3", LaunchpadMiniMK3},
	{"launchpad pro mk3", LaunchpadProMK3},
	{"launchpad mini", LaunchpadMini},
	{"launchpad pro", LaunchpadPro},
	{"launchpad mk2", LaunchpadMK2},
	{"launchpad x", LaunchpadX},
	{"launchpad s", LaunchpadS},
	{"launchpad", Launchpad},
}

// splitPortName finds the model named in portName and returns it with the
// port's own suffix: what follows the model name in the port part of the
// name, e.g. "LPMiniMK3 MI", "MIDI 2" or "Standalone Port". It accepts the
// bare ALSA port name ("Launchpad X LPX MIDI"), the client:port form
// ("Launchpad X:Launchpad X LPX MIDI") and either with the " 24:1" client and
// port numbers that rtmidi and gomidi append.
func splitPortName(portName string) (Model, string, bool) {
	s := strings.TrimSpace(portName)
	// Drop a trailing " 20:1".
	if i := strings.LastIndexByte(s, ' '); i >= 0 && isClientPort(s[i+1:]) {
		s = strings.TrimSpace(s[:i])
	}
	// Keep the port part of "client:port".
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = strings.TrimSpace(s[i+1:])
	}
	lower := asciiLower(s) // same length as s, so indexes carry over
	for from := 0; from < len(lower); {
		i := strings.Index(lower[from:], "launchpad")
		if i < 0 {
			break
		}
		i += from
		if i == 0 || lower[i-1] == ' ' {
			for _, d := range deviceNames {
				rest, ok := strings.CutPrefix(lower[i:], d.name)
				if ok && (rest == "" || rest[0] == ' ') {
					return d.m, strings.TrimSpace(s[len(s)-len(rest):]), true
				}
			}
		}
		from = i + 1
	}
	return 0, "", false
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isClientPort(s string) bool {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	_, err1 := strconv.ParseUint(a, 10, 16)
	_, err2 := strconv.ParseUint(b, 10, 16)
	return err1 == nil && err2 == nil
}

// Detect returns the model whose name appears in an ALSA MIDI port name, in
// either kernel naming style ("Launchpad Mini MK3 MIDI 2" and "Launchpad Mini
// MK3 LPMiniMK3 MI"), with or without the "client:" prefix and the " 20:1"
// client:port numbers of rtmidi and gomidi. It matches the longest model name
// first. Confirm with a device inquiry (ModelFromInquiry, InquiryMatches).
func Detect(portName string) (Model, bool) {
	m, _, ok := splitPortName(portName)
	return m, ok
}

// PortIndex returns which of the device's MIDI ports (0-based, in ALSA
// order) carries Programmer-mode lighting and pad input: 1 (the MIDI port)
// on the X and Mini MK3, 1 (the Standalone port) on the Pro MK1, 0 (the
// "LPProMK3 MIDI" port) on the Pro MK3, and 0, the only port, elsewhere
// (protocols.md §1.1). It returns -1 for an invalid model.
func PortIndex(m Model) int {
	switch m {
	case LaunchpadX, LaunchpadMiniMK3, LaunchpadPro:
		return 1
	}
	if m.Valid() {
		return 0
	}
	return -1
}

// controlPorts are the port suffixes, in lower case, of the port to use.
// A suffix ending in '*' is a prefix match (the new-kernel names are cut off
// at 31 characters: "LPMiniMK3 MI").
var controlPorts = map[Model][]string{
	LaunchpadX:       {"lpx midi*", "midi 2"},
	LaunchpadMiniMK3: {"lpminimk3 mi*", "midi 2"},
	LaunchpadProMK3:  {"lppromk3 midi*", "midi 1"},
	LaunchpadPro:     {"standalone*", "midi 2"},
}

// IsControlPort reports whether portName is the port of a model-m device to
// drive (see PortIndex), judged by its name: "…LPX MIDI" or "…MIDI 2" on the
// X, "…LPMiniMK3 MI" or "…MIDI 2" on the Mini MK3, "…LPProMK3 MIDI" or
// "…MIDI 1" on the Pro MK3, "…Standalone Port" or "…MIDI 2" on the Pro. On
// single-port models every port named for the model is. It is false when
// the name is not of a model-m device, or when a multi-port model's port
// suffix is missing or unknown: then fall back to PortIndex.
func IsControlPort(m Model, portName string) bool {
	got, suffix, ok := splitPortName(portName)
	if !ok || got != m {
		return false
	}
	want, multi := controlPorts[m]
	if !multi {
		return true
	}
	suffix = asciiLower(suffix)
	for _, w := range want {
		if p, ok := strings.CutSuffix(w, "*"); ok {
			if strings.HasPrefix(suffix, p) {
				return true
			}
		} else if suffix == w {
			return true
		}
	}
	return false
}

// InquiryRequest returns the Universal Device Inquiry, F0 7E 7F 06 01 F7.
// Send it on the port you plan to use (protocols.md §1.3).
func InquiryRequest() []byte { return []byte{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7} }

// ParseInquiryReply parses a Novation Universal Device Inquiry reply,
// F0 7E <dev> 06 02 00 20 29 <fam lsb> <fam msb> <member lsb> <member msb>
// <4 version bytes> F7. family and member are lsb | msb<<8, so a family reads
// as the USB product id (0x0113 for the Mini MK3). The version bytes are one
// decimal digit each: 00 01 03 08 is "138". ok is false for anything else,
// including other manufacturers' replies.
func ParseInquiryReply(msg []byte) (family, member uint16, version string, ok bool) {
	if len(msg) != 17 || msg[0] != 0xF0 || msg[1] != 0x7E || msg[3] != 0x06 || msg[4] != 0x02 ||
		msg[5] != 0x00 || msg[6] != 0x20 || msg[7] != 0x29 || msg[16] != 0xF7 {
		return 0, 0, "", false
	}
	for _, b := range msg[2:16] {
		if b > 0x7F {
			return 0, 0, "", false
		}
	}
	family = uint16(msg[8]) | uint16(msg[9])<<8
	member = uint16(msg[10]) | uint16(msg[11])<<8
	var v []byte
	for _, d := range msg[12:16] {
		v = strconv.AppendUint(v, uint64(d), 10)
	}
	version = strings.TrimLeft(string(v), "0")
	if version == "" {
		version = "0"
	}
	return family, member, version, true
}

// ModelFromInquiry returns the model that answers a device inquiry with
// family (as ParseInquiryReply returns it), per protocols.md §1.3:
//   - 0x0020 Launchpad S [code];
//   - 0x0069 MK2 [doc, field] and 0x0051 Pro [doc], each also over the
//     ranges 0x69–0x78 and 0x51–0x60 that the bootloader device ID 1–16
//     gives the USB product id [inferred: that the family follows it];
//   - 0x0103 X, as captured from hardware [field];
//   - 0x0113 Mini MK3 [doc, code]. The X and Pro MK3 manuals print 13 01
//     too, a copy-paste (§6.1); this function answers the Mini MK3, and
//     InquiryMatches accepts 0x0113 for all three;
//   - 0x0123 Pro MK3 [inferred: family = USB product id].
//
// The original Launchpad and the Mini MK1/MK2 do not answer. The Mini MK3's
// bootloader (0x1113) is not a model this package drives: ok is false.
func ModelFromInquiry(family uint16) (Model, bool) {
	switch {
	case family == 0x0020:
		return LaunchpadS, true
	case family >= 0x0069 && family <= 0x0078:
		return LaunchpadMK2, true
	case family >= 0x0051 && family <= 0x0060:
		return LaunchpadPro, true
	case family == 0x0103:
		return LaunchpadX, true
	case family == 0x0113:
		return LaunchpadMiniMK3, true
	case family == 0x0123:
		return LaunchpadProMK3, true
	}
	return 0, false
}

// InquiryMatches reports whether an inquiry family is consistent with model
// m found by its port name, which is authoritative (protocols.md §1.3): it
// is ModelFromInquiry(family) == m, and also true for 0x0113 on the X and
// Pro MK3, whose manuals print that value.
func InquiryMatches(m Model, family uint16) bool {
	if got, ok := ModelFromInquiry(family); ok && got == m {
		return true
	}
	return family == 0x0113 && (m == LaunchpadX || m == LaunchpadProMK3)
}
