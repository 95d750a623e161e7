package photo

// MaxInFlight is the most decodes seen running at once.
func (p *Processor) MaxInFlight() int { return int(p.maxInFlight.Load()) }

// JPEGOrientation exposes the EXIF reader to tests.
var JPEGOrientation = jpegOrientation
