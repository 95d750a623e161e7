// Package vietqr encodes and decodes NAPAS 24/7 VietQR bank-transfer
// payloads: the EMVCo merchant-presented QR string a Vietnamese banking app
// scans to pre-fill a transfer to an account or a card.
//
// The payload is a run of TLV objects, each a two-digit ID, a two-digit
// length and the value:
//
//	00 payload format "01"
//	01 initiation "11" (static, no amount) or "12" (dynamic, with amount)
//	38 beneficiary: 00 GUID "A000000727",
//	                01 {00 acquirer BIN, 01 account or card number},
//	                02 service "QRIBFTTA" (to account) or "QRIBFTTC" (to card)
//	53 currency "704" (VND)
//	54 amount in whole VND (dynamic QR only)
//	58 country "VN"
//	59 / 60 merchant name / city (optional)
//	62 additional data: 08 purpose of the transfer (the memo)
//	63 CRC-16/CCITT-FALSE of everything before it, "6304" included
//
// Encode builds the string from a Payload, Decode parses and checks one, and
// Banks and BankByBIN give the acquirer BINs of the banks Encode accepts,
// read from the embedded banks.csv.
package vietqr
