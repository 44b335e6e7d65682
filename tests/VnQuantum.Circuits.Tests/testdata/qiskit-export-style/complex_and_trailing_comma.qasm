// expect: 1
// Complex literals in parameter arithmetic, and a trailing comma in a gate's parameter list.
OPENQASM 3.0;
include "stdgates.inc";
gate myrx(theta,) a {
  rx(theta) a;
}
qubit q;
bit c;
complex z = 2im;
myrx(real(z * -1im) * pi / 2,) q;
c = measure q;
