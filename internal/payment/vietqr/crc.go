package vietqr

// crcPoly is the CRC-16/CCITT polynomial x^16 + x^12 + x^5 + 1.
const crcPoly = 0x1021

// CRC16 returns the CRC-16/CCITT-FALSE (polynomial 0x1021, initial value
// 0xFFFF, no reflection, no final XOR) of the bytes of s. A VietQR payload
// carries it, as four upper-case hex digits, in tag 63, computed over the
// whole string up to and including "6304".
func CRC16(s string) uint16 {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ crcPoly
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
