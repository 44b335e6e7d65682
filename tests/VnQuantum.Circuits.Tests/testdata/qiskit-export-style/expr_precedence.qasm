// expect: 11111 10
// The exporter's bracketing of bitwise, logical and comparison operators, with cr = 2. Shifts of a bit[2]
// register stay within its 2 bits (cr << 1 is 0); + - * / compute on unbounded integers, so the last test is
// 2 == 1 - 8 + 9.
OPENQASM 3.0;
include "stdgates.inc";
bit[2] cr;
bit[5] hits;
qubit[2] q;
x q[1];
cr = measure q;
if (!((((cr | cr) ^ (cr | cr)) & ((cr | cr) ^ (cr | cr))) < (((cr | cr) ^ (cr | cr)) & ((cr | cr) ^ (cr | cr))))) {
  hits[0] = 1;
}
if ((cr | cr) == (cr & cr) && (cr & cr) == (cr | cr) || (cr | cr) > (cr ^ cr) && (cr ^ cr) <= (cr | cr)) {
  hits[1] = 1;
}
if ((!cr[0] || !cr[0]) && !(cr[0] && cr[0]) || !(cr[0] && cr[0]) && (!cr[0] || !cr[0])) {
  hits[2] = 1;
}
if (((cr ^ cr) & cr) << (cr | cr) == (cr >> 3 ^ cr << 4 | cr << 1)) {
  hits[3] = 1;
}
if (cr * (cr - cr) + (cr + cr) / cr == cr * cr / (cr + cr) - cr * (cr + cr) + 9) {
  hits[4] = 1;
}
