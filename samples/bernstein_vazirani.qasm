// Bernstein–Vazirani with the hidden string s = 1011 (q[0] is the last bit): one query reveals it.
OPENQASM 2.0;
include "qelib1.inc";
qreg q[4];
qreg anc[1];
creg c[4];
x anc[0];
h anc[0];
h q;
cx q[0],anc[0];
cx q[1],anc[0];
cx q[3],anc[0];
h q;
measure q -> c;
