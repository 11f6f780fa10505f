package supervise

import "gridbox/audio"

// GateRender renders out through generation gen's gate.
func GateRender(s *Device, gen uint32, out []float32) { gate{s, gen}.Render(out) }

// GateDevice returns a Device whose generation 1 owns r, with no device
// and no supervisor goroutine: only the gates run.
func GateDevice(f audio.Format, block int, r audio.Renderer) *Device {
	s := &Device{cfg: Config{Format: f, Block: block}, r: r}
	s.owner.Store(1)
	return s
}
