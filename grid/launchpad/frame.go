package launchpad

// A Frame is what a model's LEDs show: one Light per LED (Model.LEDs). The
// zero Light is off. A Frame is a plain value: assign it to copy it, so a
// driver can keep the frame it last sent as the prev of the next Encode.
type Frame struct {
	model  Model
	lights [numSlots]Light
}

// NewFrame returns an all-off frame for m.
func NewFrame(m Model) *Frame { return &Frame{model: m} }

// Model returns the model the frame was made for.
func (f *Frame) Model() Model { return f.model }

// Set sets the light at b. It reports false, and changes nothing, when the
// model has no LED at b.
func (f *Frame) Set(b Button, l Light) bool {
	if !f.model.HasLED(b) {
		return false
	}
	s, _ := slot(b)
	f.lights[s] = l
	return true
}

// Get returns the light at b: the zero Light where the model has no LED.
func (f *Frame) Get(b Button) Light {
	if !f.model.HasLED(b) {
		return Light{}
	}
	s, _ := slot(b)
	return f.lights[s]
}

// Fill sets every LED of the frame to l.
func (f *Frame) Fill(l Light) {
	in := f.model.info()
	if in == nil {
		return
	}
	for _, b := range in.leds {
		s, _ := slot(b)
		f.lights[s] = l
	}
}
