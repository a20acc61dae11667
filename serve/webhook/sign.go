package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Headers of a delivery.
const (
	HeaderSignature = "X-Leadscore-Signature"
	HeaderDelivery  = "X-Leadscore-Delivery"
	HeaderEvent     = "X-Leadscore-Event"
)

// signaturePrefix starts the signature header's value.
const signaturePrefix = "sha256="

// Sign returns the X-Leadscore-Signature value of body: "sha256=" and the
// lowercase hex HMAC-SHA256 of the body's bytes keyed with secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is the signature of body with secret,
// comparing in constant time. Receivers written in Go can use it as it is.
func Verify(secret, body []byte, header string) bool {
	hexSum, ok := strings.CutPrefix(header, signaturePrefix)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
