// Package launchpad drives every Novation Launchpad. Its core is the pure
// protocol codec: model names and port detection, device inquiry, mode
// switching, LED frames to MIDI bytes (Encoder) and MIDI bytes to button
// events (Parser); the codec does no I/O and starts no goroutines. On top
// of it, Controller (Open) is the grid.Controller driver: it moves the
// bytes over any io.ReadWriteCloser, a raw MIDI port on the Pi or a
// launchpadtest.Device in tests. Besides the standard library it imports
// only package grid. The byte-level facts, with their confidence tags, are
// in the team's protocol notes (protocols.md) (§0–§2, §4, §6); comments
// here cite its sections.
//
// # Threading
//
// In the codec everything is a pure function or a value owned by one
// goroutine. An Encoder has no state and may be shared. A Parser is owned by
// the goroutine that reads the device. A Frame is a value: the LED goroutine
// keeps the last frame it sent and passes it as prev to the next Encode.
//
//	raw MIDI in ──> Parser.Feed ──> Event{Button, Down, Velocity}
//	                      └───────> SysEx callback (inquiry reply, mode echo)
//	Frame (prev, next) ──> Encoder.Encode ──> [][]byte MIDI out
//
// A Controller starts one reader goroutine, which owns its Parser and is
// the only sender on Pads; Set, Flush, Beat, ScrollText and StopText belong
// to the LED goroutine; Close may be called from any goroutine (see
// Controller).
//
//	port.Read ──reader: Parser.Feed → grid.Pad──▶ Pads()   (closed on unplug or Close)
//	Set → Frame ──Flush: Encode(prev, next)──▶ port.Write   (prev nil: whole frame)
//
// # Coordinates
//
// A Button is {X, Y} on the device's surface: the 8×8 grid is X 0..7 left
// to right, Y 0..7 top to bottom. The round buttons around it keep counting
// outward: top row Y = −1, right (scene) column X = 8, left column X = −1,
// bottom rows Y = 8 and 9. The logo/side LED, where a model has one, is the
// light (8, −1); it is not a button. The number in each cell below is the
// note or CC that addresses it (n = note, c = CC).
//
// Launchpad, Launchpad S, Launchpad Mini MK1/MK2 (X-Y layout, protocols.md
// §2.1): notes 16·row + col, the scene column is col 8, the top row CC
// 104–111.
//
//	Y\X    0     1    ..     7      8
//	-1   c104  c105   ..   c111
//	 0    n0    n1    ..    n7     n8
//	 1    n16   n17   ..    n23    n24
//	 :
//	 7    n112  n113  ..    n119   n120
//
// Launchpad MK2 (Session layout, §2.2): notes 10·row + col from the bottom
// left, the right column is notes 19..89, the top row CC 104–111.
//
//	Y\X    0     1    ..     7      8
//	-1   c104  c105   ..   c111
//	 0    n81   n82   ..    n88    n89
//	 :
//	 7    n11   n12   ..    n18    n19
//
// Launchpad X and Mini MK3 (Programmer mode, §2.4, §2.5): notes 11–88, CC
// for the round buttons, logo LED 99.
//
//	Y\X    0     1    ..     7      8
//	-1   c91   c92    ..   c98    (99 logo)
//	 0    n81   n82   ..    n88    c89
//	 :
//	 7    n11   n12   ..    n18    c19
//
// Launchpad Pro MK1 (Programmer layout, §2.3): as the X, plus the left
// column CC 80..10 and the bottom row CC 1–8; side LED 99.
//
//	Y\X   -1     0     1    ..     7      8
//	-1          c91   c92   ..   c98    (99 side LED)
//	 0    c80   n81   n82   ..    n88    c89
//	 :
//	 7    c10   n11   n12   ..    n18    c19
//	 8          c1    c2    ..    c8
//
// Launchpad Pro MK3 (Programmer mode, §2.6): as the Pro MK1, plus Shift
// (CC 90) at (−1, −1) and two bottom rows, CC 101–108 (Y 8) and 1–8 (Y 9).
// The light 99 at (8, −1) follows launchpad.py's diagram [code].
//
//	Y\X   -1     0     1    ..     7      8
//	-1    c90   c91   c92   ..   c98    (99)
//	 0    c80   n81   n82   ..    n88    c89
//	 :
//	 7    c10   n11   n12   ..    n18    c19
//	 8          c101  c102  ..   c108
//	 9          c1    c2    ..    c8
//
// The Pro and Pro MK3 print functions on their round buttons (Shift,
// Record, Clear, …); Model.Labels and Model.ShiftLabels give them in
// grid.LabelVocabulary's words, and labels.go has a picture of each. On the
// Pro MK3 the upper bottom row (Y = 8) is the eight track buttons and the
// lower one (Y = 9) Record Arm … Stop Clip.
//
// # Input hygiene
//
// The Parser follows realtime-and-reliability.md §2.6 and §4.4: realtime
// bytes are dropped wherever they arrive (the Pro MK3 floods F8 clock), a
// SysEx is assembled in a fixed MaxSysEx buffer and dropped when longer, a
// SysEx without F7 ends at the next status byte, pressure is ignored, and
// every oddity is counted in Stats rather than reported as an error.
//
// # Scrolling text
//
// Not yet in protocols.md; the facts and their sources are here. Where a
// model scrolls text (Model.ScrollsText) the device draws it across the
// pads by itself and then puts back what they showed; TextMessage,
// StopTextMessage and TextDuration encode and time it, and the Parser
// passes the device's end report to TextEnd.
//
//   - Launchpad S: F0 00 20 29 09 <colour> <text> F7. The colour is a
//     velocity byte as for an LED, plus 40h to loop; text bytes 01–07 are
//     speed commands (1 slowest, 7 fastest, 4 by default); when the text
//     ends or loops the S sends B0 00 03 [doc: Launchpad S Programmer's
//     Reference v1.02, "Scrolling text"]. F0 00 20 29 09 00 F7 stops it
//     [code: two unrelated projects]. A 31-byte text buffer [code, one
//     Java driver], hence MaxText 30 plus the speed command.
//   - MK2: SX18(14 <palette colour> <loop 0/1> <text>), speed commands as
//     on the S, SX18(14) stops it, and SX18(15) comes back when the text
//     ends or loops [doc: MK2 Programmer's Reference, "Text scrolling" and
//     its SysEx table].
//   - Pro MK1: SX10(14 <colour> <loop> <text>), speed commands 1–7 [doc:
//     Pro Programmer's Reference p. 23, 26]. SX10(15) on the end, SX10(14)
//     to stop [code: mat1jaczyyy's lpp-performance-cfw, a rebuild of the
//     Pro firmware that reproduces its SysEx; KLaunchpad expects SX18(15)
//     from the Pro too, copied from its MK2 class by its own account
//     untested, so not followed].
//   - X, Mini MK3: SX0C/SX0D(07 <loop 0/1> <speed> <colour spec> <text>),
//     the speed in pads per second (40h and above: negative, left to
//     right), the colour spec 00 <palette> or 01 <r g b 0–127>; SX(07)
//     ends any text. The scroll covers the pads and the right column; the
//     top row and the logo keep their lights, and lights under the text
//     come back after it [doc: Launchpad X Programmer's Reference,
//     "Miscellaneous surface control", which also prints the 0Dh form; a
//     Mini MK3 JavaScript driver sends 07 <loop> <speed> <colour> [code]].
//     No end report is documented, so done waits for TextDuration.
//   - Not supported: the original Launchpad (the S reference lists text as
//     new with the S [doc]); the Mini MK1/MK2 (no source found, though it
//     may well share the S's firmware features); the Pro MK3 (its
//     reference, as far as seen, documents no text command; one generic
//     MK3 Python class sends it SX0E(07 …) [code, untested on a Pro MK3]).
//
// While a text scrolls the S, MK2 and Pro ignore LED messages (KLaunchpad:
// the device "will not … update pad colors"; the firmware rebuild drops
// MIDI in text mode) [code], and the X keeps lights under the text [doc].
// The Controller therefore holds every LED write back until the text is
// over and then repaints the whole frame. A stopped (not finished) MK2 or
// Pro text is reported to break flashing and pulsing until the layout is
// selected again (KLaunchpad) [code], so StopText re-sends EnterMessages.
//
// # Disagreements resolved
//
//   - Inquiry family (§6.1): the X answers 03 01 in the field, its manual
//     says 13 01. ModelFromInquiry maps 0x0103 to the X, 0x0113 to the Mini
//     MK3, 0x0123 to the Pro MK3 (inferred); InquiryMatches also accepts
//     0x0113 for the X and Pro MK3. The port name stays authoritative.
//   - MK2 flash/pulse SysEx (§6.3): its leading 00 is unclear, so the MK2
//     encoder flashes and pulses with channel 2/3 messages, which are
//     documented without doubt; MK2 RGB uses model id 18 (§6.2).
//   - Pro MK3 layout select (§6.9): only the 0E toggle is used.
//   - Pro MK3 extra controls (§6.10): CC 90 and the 1–8 row are included.
//   - Specs per SysEx: 81 on the X and Mini MK3 (a reading of the manual),
//     120 on the Pro MK3 (a field report repainted its surface with 120).
package launchpad
