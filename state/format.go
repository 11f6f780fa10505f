package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"gridbox/internal/spell"
)

// The on-disk format of one generation (see the package doc): a 32-byte
// header, big-endian, then the payload.
//
//	offset size
//	 0      8   magic "gbxstate"
//	 8      2   format version, 1
//	10      2   header length in bytes, 32 for version 1
//	12      4   CRC-32C of the header's headerLen bytes, this field as zero
//	16      8   payload length in bytes
//	24      4   CRC-32C of the payload
//	28      4   reserved, zero
//
// The first 16 bytes keep this layout in every version, so a reader can tell
// a file written by a newer gridbox (a good header CRC, a higher version) from
// a damaged one.
const (
	magic        = "gbxstate"
	version      = 1
	headerLen    = 32
	prefixLen    = 16   // the part of the header common to every version
	maxHeaderLen = 4096 // bounds what a damaged length field can make us read
)

// castagnoli is CRC-32C: hardware-accelerated on amd64 and on the Pi's arm64
// cores, and it catches every burst error up to 32 bits, which is what a torn
// sector or a flipped bit looks like. The file is not a security boundary, so
// a cryptographic hash would only cost time on the Pi.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendHeader appends the version-1 header for payload to b.
func appendHeader(b []byte, payload []byte) []byte {
	var h [headerLen]byte
	copy(h[0:8], magic)
	binary.BigEndian.PutUint16(h[8:10], version)
	binary.BigEndian.PutUint16(h[10:12], headerLen)
	binary.BigEndian.PutUint64(h[16:24], uint64(len(payload)))
	binary.BigEndian.PutUint32(h[24:28], crc32.Checksum(payload, castagnoli))
	binary.BigEndian.PutUint32(h[12:16], headerCRC(h[:]))
	return append(b, h[:]...)
}

// headerCRC is the CRC-32C of header h with its CRC field (bytes 12..15)
// counted as zero.
func headerCRC(h []byte) uint32 {
	c := crc32.Update(0, castagnoli, h[:12])
	c = crc32.Update(c, castagnoli, []byte{0, 0, 0, 0})
	return crc32.Update(c, castagnoli, h[16:])
}

// errShort marks a read that found less than Stat promised: the file changed
// under us (another process?), an I/O problem rather than a damaged file.
var errShort = errors.New("file shrank while being read")

// decode checks the generation held in r (size bytes long) and returns its
// payload; with keep false it only checks, streaming the payload through the
// CRC instead of holding it (Save's read-back). maxSize bounds the payload.
//
// Errors wrap ErrCorrupt when the bytes are damaged (torn, truncated, flipped,
// not ours), ErrFutureVersion or ErrTooLarge for a sound header that this
// reader won't use, or are I/O errors from r.
func decode(r io.ReaderAt, size int64, maxSize int64, keep bool) ([]byte, error) {
	switch {
	case size == 0:
		return nil, fmt.Errorf("%w: empty file (0 bytes)", ErrCorrupt)
	case size < prefixLen:
		return nil, fmt.Errorf("%w: truncated: %s, shorter than the header", ErrCorrupt, spell.Count(size, "byte"))
	}
	var prefix [prefixLen]byte
	if err := readAt(r, prefix[:], 0); err != nil {
		return nil, err
	}
	if string(prefix[0:8]) != magic {
		return nil, fmt.Errorf("%w: not a gridbox state file: magic %q, want %q", ErrCorrupt, prefix[0:8], magic)
	}
	hl := int64(binary.BigEndian.Uint16(prefix[10:12]))
	if hl < headerLen || hl > maxHeaderLen {
		return nil, fmt.Errorf("%w: header length %d out of range %d..%d", ErrCorrupt, hl, headerLen, maxHeaderLen)
	}
	if size < hl {
		return nil, fmt.Errorf("%w: truncated: %s, shorter than its %d-byte header", ErrCorrupt, spell.Count(size, "byte"), hl)
	}
	h := make([]byte, hl)
	if err := readAt(r, h, 0); err != nil {
		return nil, err
	}
	if got, want := headerCRC(h), binary.BigEndian.Uint32(h[12:16]); got != want {
		return nil, fmt.Errorf("%w: header checksum 0x%08x, header says 0x%08x", ErrCorrupt, got, want)
	}
	switch v := binary.BigEndian.Uint16(h[8:10]); {
	case v == 0:
		return nil, fmt.Errorf("%w: format version 0", ErrCorrupt)
	case v > version:
		return nil, fmt.Errorf("%w: format version %d; this gridbox reads version %d", ErrFutureVersion, v, version)
	}
	if hl != headerLen {
		return nil, fmt.Errorf("%w: header length %d, version %d headers are %d bytes", ErrCorrupt, hl, version, headerLen)
	}
	if r := binary.BigEndian.Uint32(h[28:32]); r != 0 {
		return nil, fmt.Errorf("%w: reserved header field is 0x%08x, not zero", ErrCorrupt, r)
	}
	n := binary.BigEndian.Uint64(h[16:24])
	if n > uint64(maxSize) {
		return nil, fmt.Errorf("%w: payload of %d bytes, the limit is %d (Options.MaxSize)", ErrTooLarge, n, maxSize)
	}
	switch have := size - hl; {
	case have < int64(n):
		return nil, fmt.Errorf("%w: truncated: %d payload bytes, header says %d (a torn write?)", ErrCorrupt, have, n)
	case have > int64(n):
		return nil, fmt.Errorf("%w: %s of trailing garbage after the %d-byte payload", ErrCorrupt, spell.Count(have-int64(n), "byte"), n)
	}
	want := binary.BigEndian.Uint32(h[24:28])
	var payload []byte
	var got uint32
	if keep {
		payload = make([]byte, n)
		if err := readAt(r, payload, hl); err != nil {
			return nil, err
		}
		got = crc32.Checksum(payload, castagnoli)
	} else {
		var err error
		if got, err = streamCRC(r, hl, int64(n)); err != nil {
			return nil, err
		}
	}
	if got != want {
		return nil, fmt.Errorf("%w: payload checksum 0x%08x, header says 0x%08x", ErrCorrupt, got, want)
	}
	return payload, nil
}

// readAt fills b from r at off.
func readAt(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		return errShort
	}
	return err
}

// streamCRC is the CRC-32C of n bytes of r from off, read 64 KiB at a time.
func streamCRC(r io.ReaderAt, off, n int64) (uint32, error) {
	buf := make([]byte, min(n, 64<<10))
	var c uint32
	for n > 0 {
		b := buf[:min(n, int64(len(buf)))]
		if err := readAt(r, b, off); err != nil {
			return 0, err
		}
		c = crc32.Update(c, castagnoli, b)
		off += int64(len(b))
		n -= int64(len(b))
	}
	return c, nil
}
