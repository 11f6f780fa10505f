// Package monome drives monome grids: the byte-level codec for the two
// serial protocols a grid can use (bytes in, events out; LED frames in, bytes
// out), the pure parts of the start-up handshake and device discovery, and
// [Controller], the grid.Controller driver built on them. The codec does no
// I/O of its own (everything goes through an io.Reader/io.Writer it is
// given) and starts no goroutines. The driver works on an io.ReadWriteCloser
// (a tty in raw mode; monometest.Grid, a simulated grid speaking the real
// bytes, in tests); opening and configuring the tty lives elsewhere. It
// imports the standard library and package grid only.
//
// # Threading
//
// Nothing in the codec is safe for concurrent use. A Parser and a Filter
// belong to the goroutine that reads the device; an Encoder and its Frames
// belong to the LED goroutine. The package-level functions are pure and safe
// anywhere. A Controller runs one reader goroutine of its own, which owns its
// Parser and Filter and is the only sender on Pads; Set and Flush belong to
// the LED goroutine; Close may be called from any goroutine.
//
// # Pipeline
//
//	tty read ──> Parser.Feed ──> Filter.Apply ──> key events (grid.Pad)
//	                 └──> replies ──> Handshake (size, id, firmware)
//	Frame.Set ... ──> Encoder.Append(prev, next) ──> tty write
//
// # Protocols (the team's protocol notes (protocols.md) §3.1, §3.2; libmonome proto/mext.c, series.c)
//
// [Mext] is the protocol of grids made from 2011 on (USB serial "m" plus
// digits, e.g. m1000285; FTDI /dev/ttyUSB* or CDC-ACM /dev/ttyACM*). Every
// message is a header byte (subsystem<<4 | command) followed by a payload
// whose length the header fixes, so the parser reads one byte and then a known
// number of bytes. The size is asked for, never assumed: see [Handshake].
//
// [Series] is the protocol of the 2007–2011 "series" 64/128/256 and kits
// (serials m64-…, m128-…, m256-…, mk…). Messages from the device are two
// bytes: 00 xy press, 10 xy release (xy = x<<4 | y). LEDs are one bit. The size
// comes from the serial string ([SerialProtocol]); there is no query.
//
// # Brightness by model (the team's protocol notes (protocols.md) §3.1)
//
//	Levels16  grids from June 2012 on: 16 levels, sent as 1A level maps
//	Levels4   January 2011 grids: 4 levels (0–3 off, 4–7 low, 8–11 medium,
//	          12–15 high); still 1A level maps, levels quantised so any lit
//	          key stays visible (see Brightness.Map)
//	Mono      monobright grids (series, 40h, kits, and mext grids without
//	          varibright): on/off; a level ≥ 8 is on, as libmonome's "> 7".
//	          Mext mono grids get 14 on/off maps, series grids 8q frames.
//
// A mext grid does not report which of the three it is, so the caller picks;
// Levels16 is the default. A series grid is always Mono.
//
// # Resynchronisation (the parser never panics)
//
// A mext header byte that libmonome's incoming table does not know (for
// example any 0xFF) is skipped on its own and counted in [Stats].Unknown; the
// next byte is tried as a header. A series byte that is not 00, 10 (keys) or
// Dx/Ex (tilt/aux, two bytes, skipped) is skipped the same way. Known messages
// are never cut short: a payload split across reads is kept until the rest
// arrives, so a key message split 21 | 03 04 decodes as one key. A partial
// message left at EOF or at a replug is dropped by [Parser.Reset], which
// counts it as Truncated. Because the wire has no framing beyond the header, a
// byte lost mid-message can misalign the next message; key coordinates that
// come out of range are then caught by [Filter], and the driver resets the
// parser whenever it reopens the port.
//
// # Disagreements resolved (the team's protocol notes (protocols.md) §6)
//
//   - Level map and level row/column packing (§6 item 4): two levels per byte,
//     the FIRST LED IN THE HIGH NIBBLE (byte[i] = L[2i]<<4 | L[2i+1]), and a
//     row or column of 8 levels is 4 bytes (1B x y + 4 = 7 bytes). This is what
//     libmonome's pack_nybbles sends (so serialosc), and what libavr32 and
//     norns do; serial.txt's nibble-order note and its 8-byte rows are not
//     followed.
//   - The ID reply is 32 bytes (§6 item 5), as libmonome reads it; trailing
//     spaces and NULs are stripped.
//   - Tilt (§6 item 6) is parsed for its length (81 n + 6 bytes) and skipped;
//     its byte order is disputed and gridbox does not need it.
//
// # Phantom keys (norns#539)
//
// On unplug, series grids have been seen to flood phantom key events with x,
// y and z all 1 (00 11 repeated). [Filter] drops keys outside the known size,
// drops a Down for a key already held and an Up for a key not held, and treats
// more than Burst events at one coordinate within one read chunk as a flood:
// it drops all of them and reports it, so the driver can treat the device as
// gone (realtime-and-reliability.md §2.1, test T10: no spurious launches).
package monome
