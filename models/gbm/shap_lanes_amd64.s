//go:build amd64 && !purego

#include "textflag.h"

// The decide kernels of shap_lanes_amd64.go: for 16 lanes, the hot sets
// of a node's children from its own (split in shap.go). Per 8 lanes: K1
// the lanes that go left, keep = (h | nw) & bit, base = h &^ bit, then
// left = base | keep where K1, right = base | keep where not K1.
// Registers: Z0 the threshold, Z1 bit, Z2 nw, all broadcast.

#define HOT8(off, pred) \
	VMOVUPD off(AX), Z3 \
	VCMPPD $pred, Z0, Z3, K1 \
	KNOTW K1, K2 \
	VMOVDQU64 off(SI), Z4 \
	VPORQ Z2, Z4, Z5 \
	VPANDQ Z1, Z5, Z5 \
	VPANDNQ Z4, Z1, Z6 \
	VMOVDQA64 Z6, Z7 \
	VPORQ Z5, Z6, K1, Z7 \
	VPORQ Z5, Z6, K2, Z6 \
	VMOVDQU64 Z7, off(DI) \
	VMOVDQU64 Z6, off(DX)

// func hotLEAVX512(hs, hl, hr *[16]uint64, x *[16]float64, thr float64, bit, nw uint64)
// Left when x <= thr (ordered: NaN goes right), predicate LE_OQ.
TEXT ·hotLEAVX512(SB), NOSPLIT, $0-56
	MOVQ hs+0(FP), SI
	MOVQ hl+8(FP), DI
	MOVQ hr+16(FP), DX
	MOVQ x+24(FP), AX
	VBROADCASTSD thr+32(FP), Z0
	VPBROADCASTQ bit+40(FP), Z1
	VPBROADCASTQ nw+48(FP), Z2
	HOT8(0, 0x12)
	HOT8(64, 0x12)
	VZEROUPPER
	RET

// func hotNotGTAVX512(hs, hl, hr *[16]uint64, x *[16]float64, thr float64, bit, nw uint64)
// Left when not x > thr (unordered: NaN goes left), predicate NGT_UQ.
TEXT ·hotNotGTAVX512(SB), NOSPLIT, $0-56
	MOVQ hs+0(FP), SI
	MOVQ hl+8(FP), DI
	MOVQ hr+16(FP), DX
	MOVQ x+24(FP), AX
	VBROADCASTSD thr+32(FP), Z0
	VPBROADCASTQ bit+40(FP), Z1
	VPBROADCASTQ nw+48(FP), Z2
	HOT8(0, 0x1A)
	HOT8(64, 0x1A)
	VZEROUPPER
	RET
