dnl config.m4 for the rindow_gru extension.
dnl
dnl   phpize && ./configure && make
dnl
dnl OpenBLAS is found with pkg-config; --with-openblas=DIR points at an
dnl installation prefix instead (DIR/include and DIR/lib).
dnl
dnl --with-clblast adds the OpenCL backend (CLBlast + OpenCL, found with
dnl pkg-config; --with-clblast=DIR for a CLBlast prefix). Without it the
dnl extension is CPU-only and phpinfo() says so.

PHP_ARG_ENABLE([rindow_gru],
  [whether to enable the rindow_gru extension],
  [AS_HELP_STRING([--enable-rindow_gru], [Enable the native GRU layer for Rindow])],
  [yes])

PHP_ARG_WITH([openblas],
  [for an OpenBLAS prefix],
  [AS_HELP_STRING([[--with-openblas[=DIR]]], [rindow_gru: OpenBLAS installation prefix (default: found with pkg-config)])],
  [yes],
  [no])

PHP_ARG_WITH([clblast],
  [for CLBlast (the OpenCL backend)],
  [AS_HELP_STRING([[--with-clblast[=DIR]]], [rindow_gru: build the OpenCL backend on CLBlast (default: no; found with pkg-config, or DIR is the CLBlast prefix)])],
  [no],
  [no])

if test "$PHP_RINDOW_GRU" != "no"; then
  dnl "autodetect" is the default answer in package.xml; pecl turns it into a
  dnl bare --with-openblas, but older installers pass it on verbatim.
  if test "$PHP_OPENBLAS" = "autodetect"; then
    PHP_OPENBLAS=yes
  fi
  AC_MSG_CHECKING([for OpenBLAS])
  if test "$PHP_OPENBLAS" != "yes" && test "$PHP_OPENBLAS" != "no" && test -n "$PHP_OPENBLAS"; then
    dnl The first folder under the prefix that holds cblas.h / libopenblas,
    dnl Debian's multiarch and openblas-pthread folders included.
    OPENBLAS_CFLAGS=""
    for incdir in "$PHP_OPENBLAS/include" "$PHP_OPENBLAS"/include/openblas* "$PHP_OPENBLAS"/include/*/openblas* "$PHP_OPENBLAS"/include/*; do
      if test -z "$OPENBLAS_CFLAGS" && test -f "$incdir/cblas.h"; then
        OPENBLAS_CFLAGS="-I$incdir"
      fi
    done
    OPENBLAS_LIBS=""
    for libdir in "$PHP_OPENBLAS/lib" "$PHP_OPENBLAS/lib64" "$PHP_OPENBLAS"/lib/*/openblas* "$PHP_OPENBLAS"/lib/*; do
      if test -z "$OPENBLAS_LIBS" && ls "$libdir"/libopenblas.* >/dev/null 2>&1; then
        OPENBLAS_LIBS="-L$libdir -lopenblas"
      fi
    done
    if test -z "$OPENBLAS_CFLAGS" || test -z "$OPENBLAS_LIBS"; then
      AC_MSG_RESULT([no])
      AC_MSG_ERROR([--with-openblas=$PHP_OPENBLAS: no cblas.h under $PHP_OPENBLAS/include or no libopenblas under $PHP_OPENBLAS/lib; give the prefix of an OpenBLAS installation])
    fi
    AC_MSG_RESULT([$PHP_OPENBLAS])
  else
    PKG_CHECK_MODULES([OPENBLAS], [openblas], [AC_MSG_RESULT([found with pkg-config])], [
      AC_MSG_RESULT([no])
      AC_MSG_ERROR([OpenBLAS was not found. Install it (Debian/Ubuntu: apt-get install libopenblas-dev; Fedora: dnf install openblas-devel) or pass --with-openblas=DIR with the prefix that holds include/cblas.h and lib/libopenblas.])
    ])
  fi

  PHP_EVAL_INCLINE($OPENBLAS_CFLAGS)
  PHP_EVAL_LIBLINE($OPENBLAS_LIBS, RINDOW_GRU_SHARED_LIBADD)

  dnl Check that the library really links and has cblas_sgemm and LAPACK's QR,
  dnl which the orthogonal initializer uses.
  old_CFLAGS="$CFLAGS"; CFLAGS="$CFLAGS $OPENBLAS_CFLAGS"
  old_LIBS="$LIBS"; LIBS="$LIBS $OPENBLAS_LIBS"
  AC_CHECK_HEADER([cblas.h], [], [AC_MSG_ERROR([cblas.h not found in $OPENBLAS_CFLAGS; pass --with-openblas=DIR])])
  AC_CHECK_FUNC([cblas_sgemm], [], [AC_MSG_ERROR([OpenBLAS does not link (cblas_sgemm missing with $OPENBLAS_LIBS)])])
  AC_CHECK_FUNC([sgeqrf_], [], [AC_MSG_ERROR([OpenBLAS was built without LAPACK (sgeqrf_ missing); the orthogonal initializer needs it])])
  CFLAGS="$old_CFLAGS"
  LIBS="$old_LIBS"

  dnl The time loops split the batch or the units across threads they start per call.
  PHP_ADD_LIBRARY(pthread, 1, RINDOW_GRU_SHARED_LIBADD)

  RINDOW_GRU_OPENCL_FLAGS=""
  if test "$PHP_CLBLAST" != "no"; then
    AC_MSG_CHECKING([for CLBlast and OpenCL])
    if test "$PHP_CLBLAST" = "yes"; then
      PKG_CHECK_MODULES([CLBLAST], [clblast OpenCL], [AC_MSG_RESULT([found with pkg-config])], [
        AC_MSG_RESULT([no])
        AC_MSG_ERROR([--with-clblast: CLBlast or OpenCL was not found with pkg-config. Install them (Debian/Ubuntu: apt-get install libclblast-dev ocl-icd-opencl-dev opencl-headers, plus an OpenCL driver such as pocl-opencl-icd) or pass --with-clblast=DIR with the CLBlast prefix.])
      ])
    else
      if test ! -f "$PHP_CLBLAST/include/clblast_c.h"; then
        AC_MSG_RESULT([no])
        AC_MSG_ERROR([--with-clblast=$PHP_CLBLAST: no include/clblast_c.h under it; give the prefix of a CLBlast installation])
      fi
      CLBLAST_CFLAGS="-I$PHP_CLBLAST/include"
      CLBLAST_LIBS="-L$PHP_CLBLAST/lib -lclblast"
      for libdir in "$PHP_CLBLAST/lib64" "$PHP_CLBLAST"/lib/*; do
        if test -d "$libdir" && ls "$libdir"/libclblast.* >/dev/null 2>&1; then
          CLBLAST_LIBS="-L$libdir $CLBLAST_LIBS"
        fi
      done
      if $PKG_CONFIG --exists OpenCL 2>/dev/null; then
        CLBLAST_CFLAGS="$CLBLAST_CFLAGS `$PKG_CONFIG --cflags OpenCL`"
        CLBLAST_LIBS="$CLBLAST_LIBS `$PKG_CONFIG --libs OpenCL`"
      else
        CLBLAST_LIBS="$CLBLAST_LIBS -lOpenCL"
      fi
      AC_MSG_RESULT([$PHP_CLBLAST])
    fi
    old_CFLAGS="$CFLAGS"; CFLAGS="$CFLAGS $CLBLAST_CFLAGS -DCL_TARGET_OPENCL_VERSION=120"
    old_LIBS="$LIBS"; LIBS="$LIBS $CLBLAST_LIBS"
    AC_CHECK_HEADER([clblast_c.h], [], [AC_MSG_ERROR([clblast_c.h not found with $CLBLAST_CFLAGS])])
    AC_CHECK_FUNC([CLBlastSgemm], [], [AC_MSG_ERROR([CLBlast does not link (CLBlastSgemm missing with $CLBLAST_LIBS)])])
    AC_CHECK_FUNC([clEnqueueNDRangeKernel], [], [AC_MSG_ERROR([OpenCL does not link (clEnqueueNDRangeKernel missing with $CLBLAST_LIBS)])])
    CFLAGS="$old_CFLAGS"
    LIBS="$old_LIBS"
    PHP_EVAL_INCLINE($CLBLAST_CFLAGS)
    PHP_EVAL_LIBLINE($CLBLAST_LIBS, RINDOW_GRU_SHARED_LIBADD)
    dnl src/ includes no config.h: the switch goes on the compiler's command line.
    RINDOW_GRU_OPENCL_FLAGS="-DHAVE_RINDOW_GRU_OPENCL=1"
  fi

  PHP_SUBST(RINDOW_GRU_SHARED_LIBADD)

  RINDOW_GRU_CORE_SOURCES="src/gru_status.c src/gru_runtime.c src/gru_problem.c src/gru_cpu_forward.c src/gru_cpu_backward.c src/gru_cpu_gemm.c src/gru_cpu_threads.c src/gru_backend.c src/gru_rng.c src/gru_init.c src/gru_opencl.c"
  RINDOW_GRU_EXT_SOURCES="ext/rindow_gru.c ext/gru_exceptions.c ext/gru_ndarray.c ext/gru_array.c ext/gru_layer.c ext/gru_cell.c ext/gru_bidirectional.c ext/gru_layer_options.c ext/gru_runtime_class.c ext/gru_device.c ext/gru_weights_io.c ext/gru_regularizers.c ext/gru_memory.c"

  dnl The core's gate loops need -O3 to vectorise, and no errno from libm.
  dnl src/gru_opencl.c compiles to nothing without HAVE_RINDOW_GRU_OPENCL.
  PHP_NEW_EXTENSION(rindow_gru, $RINDOW_GRU_CORE_SOURCES $RINDOW_GRU_EXT_SOURCES, $ext_shared,,
    [-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1 $RINDOW_GRU_OPENCL_FLAGS -O3 -fno-math-errno -I@ext_srcdir@/src -I@ext_srcdir@/ext])
  PHP_ADD_BUILD_DIR([$ext_builddir/src])
  PHP_ADD_BUILD_DIR([$ext_builddir/ext])
fi
