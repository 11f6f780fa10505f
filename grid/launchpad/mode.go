package launchpad

// EnterMessages returns the messages that put a device of model m into the
// mode this package drives, with all LEDs off (protocols.md §0, §2):
//   - red/green: B0 00 00 (reset: LEDs off, X-Y layout, buffer 0), then
//     B0 00 28 (automatic flashing, so LEDs written with flag 08 blink);
//   - MK2: SX18(22 00) Session layout, SX18(0E 00) all LEDs off;
//   - Pro MK1: SX10(21 01) Standalone mode, SX10(2C 03) Programmer layout,
//     SX10(0E 00) all LEDs off, SX10(0A 63 00) side LED off;
//   - X, Mini MK3, Pro MK3: SX(0E 01) Programmer mode. LED state survives
//     the switch (§2.6), so follow it with Encode(nil, frame) to paint every
//     LED.
//
// It returns nil for an invalid model. The slices are fresh.
func EnterMessages(m Model) [][]byte {
	in := m.info()
	if in == nil {
		return nil
	}
	switch in.fam {
	case famRG:
		return [][]byte{{0xB0, 0x00, 0x00}, {0xB0, 0x00, 0x28}}
	case famMK2:
		return [][]byte{sx(0x18, 0x22, 0x00), sx(0x18, 0x0E, 0x00)}
	case famPro:
		return [][]byte{sx(0x10, 0x21, 0x01), sx(0x10, 0x2C, 0x03), sx(0x10, 0x0E, 0x00), sx(0x10, 0x0A, 0x63, 0x00)}
	}
	return [][]byte{sx(in.sysexID, 0x0E, 0x01)}
}

// ExitMessages returns the messages that clear the LEDs and give the device
// back its normal mode, for a clean exit (protocols.md §2.7):
//   - red/green: B0 00 00 reset;
//   - MK2: SX18(0E 00) (Session is already its power-up layout);
//   - Pro MK1: SX10(0E 00), SX10(0A 63 00), then SX10(2C 00), the Note
//     layout of Standalone mode [inferred: the guide's layout list was only
//     partly seen];
//   - X, Mini MK3, Pro MK3: one SX(03 …) setting every LED to palette 0 (no
//     all-LEDs command is documented), then SX(0E 00) Live mode, as the docs
//     ask apps to do on exit.
//
// It returns nil for an invalid model. The slices are fresh.
func ExitMessages(m Model) [][]byte {
	in := m.info()
	if in == nil {
		return nil
	}
	switch in.fam {
	case famRG:
		return [][]byte{{0xB0, 0x00, 0x00}}
	case famMK2:
		return [][]byte{sx(0x18, 0x0E, 0x00)}
	case famPro:
		return [][]byte{sx(0x10, 0x0E, 0x00), sx(0x10, 0x0A, 0x63, 0x00), sx(0x10, 0x2C, 0x00)}
	}
	out := NewEncoder(m).Encode(nil, NewFrame(m))
	return append(out, sx(in.sysexID, 0x0E, 0x00))
}
