//go:build amd64 && !purego

#include "textflag.h"

// The kernels of predict_bins_amd64.go. First the split kernels,
// splitLE's loop (see
// predict.go) on bins, 10 to 12 instructions per row where the Go
// compiler emits 14 to 16. Registers: SI the end of src, CX the row
// index counting up from -n to 0, DI dst, AX l, DX q, BX col, R8 the
// threshold (k1) or the table (lut). A row r with bin c goes to dst[l]
// (then l++) when it goes left, else to dst[l+q]; q-- per row. Row
// numbers and positions are below 1<<16, and the Go wrappers check that
// col and dst hold 1<<16 entries.

// func splitLEAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, k1 int) int
// Left when c < k1 (c <= k).
TEXT ·splitLEAsm(SB), NOSPLIT, $0-64
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ dst+16(FP), DI
	MOVQ l+24(FP), AX
	MOVQ q+32(FP), DX
	MOVQ col+40(FP), BX
	MOVQ k1+48(FP), R8
	TESTQ CX, CX
	JEQ leDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

leLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	LEAL (AX)(DX*1), R11
	CMPL R10, R8
	CMOVLCS AX, R11
	MOVW R9, (DI)(R11*2)
	ADCL $0, AX
	DECL DX
	INCQ CX
	JNZ leLoop

leDone:
	MOVQ AX, ret+56(FP)
	RET

// func splitNotGTAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, k1 int) int
// Left when uint8(c+1) < k1 (uint8(c+1) <= k: a missing bin wraps to 0).
TEXT ·splitNotGTAsm(SB), NOSPLIT, $0-64
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ dst+16(FP), DI
	MOVQ l+24(FP), AX
	MOVQ q+32(FP), DX
	MOVQ col+40(FP), BX
	MOVQ k1+48(FP), R8
	TESTQ CX, CX
	JEQ ngDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

ngLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	INCB R10
	LEAL (AX)(DX*1), R11
	CMPL R10, R8
	CMOVLCS AX, R11
	MOVW R9, (DI)(R11*2)
	ADCL $0, AX
	DECL DX
	INCQ CX
	JNZ ngLoop

ngDone:
	MOVQ AX, ret+56(FP)
	RET

// func splitCatAsm(src *uint16, n int, dst *uint16, l, q int, col *uint8, lut *[64]uint8) int
// Left when lut[c&63] is 1 (it is 0 or 1).
TEXT ·splitCatAsm(SB), NOSPLIT, $0-64
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ dst+16(FP), DI
	MOVQ l+24(FP), AX
	MOVQ q+32(FP), DX
	MOVQ col+40(FP), BX
	MOVQ lut+48(FP), R8
	TESTQ CX, CX
	JEQ catDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

catLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	ANDL $63, R10
	MOVBLZX (R8)(R10*1), R10
	LEAL (AX)(DX*1), R11
	TESTL R10, R10
	CMOVLNE AX, R11
	MOVW R9, (DI)(R11*2)
	ADDL R10, AX
	DECL DX
	INCQ CX
	JNZ catLoop

catDone:
	MOVQ AX, ret+56(FP)
	RET

// The twig kernels: sum[r&8191] += v[left], left being 1 or 0 as in the
// split kernels above; the sum is v[left] + sum[r], as the Go loops add.

// func twigLEAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, k1 int, v *[2]float64)
TEXT ·twigLEAsm(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ col+16(FP), BX
	MOVQ sum+24(FP), DI
	MOVQ k1+32(FP), R8
	MOVQ v+40(FP), R12
	TESTQ CX, CX
	JEQ tleDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

tleLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	ANDL $8191, R9
	XORL R11, R11
	CMPL R10, R8
	ADCL $0, R11
	MOVSD (R12)(R11*8), X0
	ADDSD (DI)(R9*8), X0
	MOVSD X0, (DI)(R9*8)
	INCQ CX
	JNZ tleLoop

tleDone:
	RET

// func twigNotGTAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, k1 int, v *[2]float64)
TEXT ·twigNotGTAsm(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ col+16(FP), BX
	MOVQ sum+24(FP), DI
	MOVQ k1+32(FP), R8
	MOVQ v+40(FP), R12
	TESTQ CX, CX
	JEQ tngDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

tngLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	INCB R10
	ANDL $8191, R9
	XORL R11, R11
	CMPL R10, R8
	ADCL $0, R11
	MOVSD (R12)(R11*8), X0
	ADDSD (DI)(R9*8), X0
	MOVSD X0, (DI)(R9*8)
	INCQ CX
	JNZ tngLoop

tngDone:
	RET

// func twigCatAsm(src *uint16, n int, col *uint8, sum *[chunkRows]float64, lut *[64]uint8, v *[2]float64)
TEXT ·twigCatAsm(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ col+16(FP), BX
	MOVQ sum+24(FP), DI
	MOVQ lut+32(FP), R8
	MOVQ v+40(FP), R12
	TESTQ CX, CX
	JEQ tcatDone
	LEAQ (SI)(CX*2), SI
	NEGQ CX

tcatLoop:
	MOVWLZX (SI)(CX*2), R9
	MOVBLZX (BX)(R9*1), R10
	ANDL $63, R10
	MOVBLZX (R8)(R10*1), R11
	ANDL $1, R11
	ANDL $8191, R9
	MOVSD (R12)(R11*8), X0
	ADDSD (DI)(R9*8), X0
	MOVSD X0, (DI)(R9*8)
	INCQ CX
	JNZ tcatLoop

tcatDone:
	RET

// func binNumericAsm(t *searchTree, col *uint8, v *float64, stride, groups int)
// Bins 4*groups rows (binNumericGo): value k of a group at v + k*stride
// bytes, negated, descends t in 8 steps, each a comparison with the
// tree's entry whose carry flag (-v < -p, or unordered) shifts into the
// node index (ADC i, i: i = 2i + carry); the index's low byte is the bin.
#define STEP(I, X) UCOMISD (AX)(I*8), X; ADCL I, I

TEXT ·binNumericAsm(SB), NOSPLIT, $0-40
	MOVQ t+0(FP), AX
	MOVQ col+8(FP), DI
	MOVQ v+16(FP), SI
	MOVQ stride+24(FP), BX
	MOVQ groups+32(FP), CX
	MOVQ $0x8000000000000000, DX
	MOVQ DX, X8
	LEAQ (BX)(BX*2), R13
	TESTQ CX, CX
	JEQ binDone

binLoop:
	MOVSD (SI), X0
	MOVSD (SI)(BX*1), X1
	MOVSD (SI)(BX*2), X2
	MOVSD (SI)(R13*1), X3
	XORPD X8, X0
	XORPD X8, X1
	XORPD X8, X2
	XORPD X8, X3
	MOVL $1, R9
	MOVL $1, R10
	MOVL $1, R11
	MOVL $1, R12
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	STEP(R9, X0); STEP(R10, X1); STEP(R11, X2); STEP(R12, X3)
	MOVB R9, (DI)
	MOVB R10, 1(DI)
	MOVB R11, 2(DI)
	MOVB R12, 3(DI)
	ADDQ $4, DI
	LEAQ (SI)(BX*4), SI
	DECQ CX
	JNZ binLoop

binDone:
	RET
