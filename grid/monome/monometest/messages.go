package monometest

import (
	"fmt"

	"gridbox/grid/monome"
)

// mextOut gives the payload length of each host → device mext message
// (libmonome src/proto/mext.h outgoing_payload_lengths), -1 if unknown.
var mextOut = func() (t [256]int) {
	for i := range t {
		t[i] = -1
	}
	for _, h := range []byte{0x00, 0x01, 0x03, 0x05, 0x07, 0x0F, 0x12, 0x13} {
		t[h] = 0
	}
	t[0x02] = 32
	t[0x04] = 3
	t[0x06] = 2
	t[0x08] = 2
	t[0x10], t[0x11] = 2, 2
	t[0x14] = 10
	t[0x15], t[0x16] = 3, 3
	t[0x17] = 1
	t[0x18] = 3
	t[0x19] = 1
	t[0x1A] = 34
	t[0x1B], t[0x1C] = 6, 6
	return t
}()

// seriesOutLen returns the payload length of a host → device series message
// (libmonome src/proto/series.h), -1 if unknown.
func seriesOutLen(h byte) int {
	switch h >> 4 {
	case 0x2, 0x3, 0x4, 0x5:
		return 1
	case 0x6, 0x7:
		return 2
	case 0x8:
		return 8
	case 0x9, 0xA, 0xB, 0xC, 0xD:
		return 0
	}
	return -1
}

func outLen(p monome.Protocol, h byte) int {
	if p == monome.Series {
		return seriesOutLen(h)
	}
	return mextOut[h]
}

// Messages splits host → device bytes of protocol p into messages, each a
// subslice of b. It fails on a byte that starts no message and on a message
// cut short.
func Messages(p monome.Protocol, b []byte) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		n := outLen(p, b[0])
		if n < 0 {
			return out, fmt.Errorf("unknown %v header %02X", p, b[0])
		}
		if len(b) < 1+n {
			return out, fmt.Errorf("truncated %v message % X", p, b)
		}
		out = append(out, b[:1+n])
		b = b[1+n:]
	}
	return out, nil
}
