package supervise

// GateRender renders out through generation gen's gate.
func GateRender(s *Device, gen uint32, out []float32) { gate{s, gen}.Render(out) }
