package mock

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// newUUID returns 32 random hex digits, the form ZStack gives its sessions, jobs and resources.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// newRequestID returns an upper-case dashed UUID, the form of Alibaba Cloud's RequestId.
func newRequestID() string {
	h := strings.ToUpper(newUUID())
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
