! Fortran interface to liereg's in-situ inference API (include/liereg/infer.h), ISO_C_BINDING.
! Installed as liereg.mod (in <prefix>/include/liereg) with the library liereg_fortran; link
! order: -lliereg_fortran then liereg's own flags (pkg-config --static --libs liereg).
!
! Arrays: Fortran is column-major, so a C array u(n, nt, nx) row-major is u(nx, nt, n) here
! (point fastest, then frame, then window); representations z(repr, n); predictions
! y(outputs, n). Handles are type(c_ptr); every function returns 0 or a liereg error code,
! whose message liereg_error_message() returns. Nothing is collective.
module liereg
  use, intrinsic :: iso_c_binding
  implicit none
  private

  integer(c_int), parameter, public :: LIE_OK = 0, LIE_ERR_USAGE = 1, LIE_ERR_FORMAT = 5

  ! lie_encoder_info of infer.h, field for field
  type, bind(c), public :: lie_encoder_info
    character(kind=c_char) :: pde(16), mode(16)
    integer(c_int) :: nfields, crop_t, crop_x, crop_y, repr, dims, width
    integer(c_long) :: train_step
    integer(c_int) :: grid_known, nt, nx, ny
    real(c_double) :: dt(2), dx(2), L(2), t_end(2)
    integer(c_int) :: crop_dt
  end type lie_encoder_info

  public :: liereg_ctx_create, liereg_ctx_destroy, liereg_error_message
  public :: liereg_encoder_load, liereg_encoder_get_info, liereg_encoder_set_threads, liereg_encoder_set_time
  public :: liereg_encoder_embed, liereg_encoder_embed_ns, liereg_encoder_destroy
  public :: liereg_probe_load, liereg_probe_predict, liereg_probe_destroy
  public :: liereg_stepper_load, liereg_stepper_get_info, liereg_stepper_set_threads, liereg_stepper_predict
  public :: liereg_stepper_destroy

  ! lie_stepper_info of infer.h
  type, bind(c), public :: lie_stepper_info
    character(kind=c_char) :: pde(16), model(16), cond(16)
    integer(c_int) :: history, future, nx, cond_dim
  end type lie_stepper_info

  interface
    integer(c_int) function c_ctx_create(comm, ctx) bind(c, name="lie_ctx_create_f")
      import :: c_int, c_ptr
      integer(c_int), value :: comm
      type(c_ptr) :: ctx
    end function
    integer(c_int) function liereg_ctx_destroy(ctx) bind(c, name="lie_ctx_destroy")
      import :: c_int, c_ptr
      type(c_ptr) :: ctx
    end function
    subroutine c_error_message(buf, n) bind(c, name="lie_error_message_f")
      import :: c_char, c_int
      character(kind=c_char) :: buf(*)
      integer(c_int), value :: n
    end subroutine
    integer(c_int) function c_encoder_load(ctx, ckpt, max_batch, enc) bind(c, name="lie_encoder_load")
      import :: c_int, c_ptr, c_char
      type(c_ptr), value :: ctx
      character(kind=c_char) :: ckpt(*)
      integer(c_int), value :: max_batch
      type(c_ptr) :: enc
    end function
    integer(c_int) function liereg_encoder_get_info(enc, info) bind(c, name="lie_encoder_get_info")
      import :: c_int, c_ptr, lie_encoder_info
      type(c_ptr), value :: enc
      type(lie_encoder_info) :: info
    end function
    integer(c_int) function liereg_encoder_set_threads(enc, n) bind(c, name="lie_encoder_set_threads")
      import :: c_int, c_ptr
      type(c_ptr), value :: enc
      integer(c_int), value :: n
    end function
    integer(c_int) function liereg_encoder_set_time(enc, dt, t_end) bind(c, name="lie_encoder_set_time")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: enc
      real(c_double), value :: dt, t_end
    end function
    ! u(nx, nt, n) -> z(repr, n); frame k at time t0 + (k-1) dt, domain [0, L)
    integer(c_int) function liereg_encoder_embed(enc, n, nt, nx, u, t0, L, z) bind(c, name="lie_encoder_embed")
      import :: c_int, c_ptr, c_double, c_float
      type(c_ptr), value :: enc
      integer(c_int), value :: n, nt, nx
      real(c_double), intent(in) :: u(*)
      real(c_double), value :: t0, L
      real(c_float), intent(out) :: z(*)
    end function
    ! u, vx, vy(ny, nx, nt, n) (C order [window, t, x, y]), x(nx), y(ny), t(nt) -> z(repr, n)
    integer(c_int) function liereg_encoder_embed_ns(enc, n, nt, nx, ny, u, vx, vy, x, y, t, z) &
        bind(c, name="lie_encoder_embed_ns")
      import :: c_int, c_ptr, c_double, c_float
      type(c_ptr), value :: enc
      integer(c_int), value :: n, nt, nx, ny
      real(c_double), intent(in) :: u(*), vx(*), vy(*), x(*), y(*), t(*)
      real(c_float), intent(out) :: z(*)
    end function
    integer(c_int) function liereg_encoder_destroy(enc) bind(c, name="lie_encoder_destroy")
      import :: c_int, c_ptr
      type(c_ptr) :: enc
    end function
    integer(c_int) function c_probe_load(ctx, path, probe) bind(c, name="lie_probe_load")
      import :: c_int, c_ptr, c_char
      type(c_ptr), value :: ctx
      character(kind=c_char) :: path(*)
      type(c_ptr) :: probe
    end function
    ! z(repr, n) -> y(outputs, n), in the target's own units (nu, not log nu)
    integer(c_int) function liereg_probe_predict(probe, n, repr, z, y) bind(c, name="lie_probe_predict")
      import :: c_int, c_ptr, c_float, c_double
      type(c_ptr), value :: probe
      integer(c_int), value :: n, repr
      real(c_float), intent(in) :: z(*)
      real(c_double), intent(out) :: y(*)
    end function
    integer(c_int) function liereg_probe_destroy(probe) bind(c, name="lie_probe_destroy")
      import :: c_int, c_ptr
      type(c_ptr) :: probe
    end function
    integer(c_int) function c_stepper_load(ctx, ckpt, max_batch, st) bind(c, name="lie_stepper_load")
      import :: c_int, c_ptr, c_char
      type(c_ptr), value :: ctx
      character(kind=c_char) :: ckpt(*)
      integer(c_int), value :: max_batch
      type(c_ptr) :: st
    end function
    integer(c_int) function liereg_stepper_get_info(st, info) bind(c, name="lie_stepper_get_info")
      import :: c_int, c_ptr, lie_stepper_info
      type(c_ptr), value :: st
      type(lie_stepper_info) :: info
    end function
    integer(c_int) function liereg_stepper_set_threads(st, n) bind(c, name="lie_stepper_set_threads")
      import :: c_int, c_ptr
      type(c_ptr), value :: st
      integer(c_int), value :: n
    end function
    ! u(nx, H, n), dx(n), dt(n), cond(cond_dim, n) (pass any array when cond_dim = 0) -> future(nx, F, n)
    integer(c_int) function liereg_stepper_predict(st, n, nt, nx, u, dx, dt, cond, future) &
        bind(c, name="lie_stepper_predict")
      import :: c_int, c_ptr, c_double
      type(c_ptr), value :: st
      integer(c_int), value :: n, nt, nx
      real(c_double), intent(in) :: u(*), dx(*), dt(*), cond(*)
      real(c_double), intent(out) :: future(*)
    end function
    integer(c_int) function liereg_stepper_destroy(st) bind(c, name="lie_stepper_destroy")
      import :: c_int, c_ptr
      type(c_ptr) :: st
    end function
  end interface

contains

  integer(c_int) function liereg_stepper_load(ctx, ckpt, max_batch, st) result(ierr)
    type(c_ptr), intent(in) :: ctx
    character(len=*), intent(in) :: ckpt
    integer, intent(in) :: max_batch
    type(c_ptr), intent(out) :: st
    ierr = c_stepper_load(ctx, to_c(ckpt), int(max_batch, c_int), st)
  end function

  ! comm: a Fortran MPI communicator (integer, e.g. MPI_COMM_WORLD of the mpi module)
  integer(c_int) function liereg_ctx_create(comm, ctx) result(ierr)
    integer, intent(in) :: comm
    type(c_ptr), intent(out) :: ctx
    ierr = c_ctx_create(int(comm, c_int), ctx)
  end function

  function liereg_error_message() result(msg)
    character(len=:), allocatable :: msg
    character(kind=c_char) :: buf(1024)
    integer :: i, n
    call c_error_message(buf, 1024_c_int)
    n = 0
    do while (n < 1024)
      if (buf(n + 1) == c_null_char) exit
      n = n + 1
    end do
    allocate (character(len=n) :: msg)
    do i = 1, n
      msg(i:i) = buf(i)
    end do
  end function

  integer(c_int) function liereg_encoder_load(ctx, ckpt, max_batch, enc) result(ierr)
    type(c_ptr), intent(in) :: ctx
    character(len=*), intent(in) :: ckpt
    integer, intent(in) :: max_batch
    type(c_ptr), intent(out) :: enc
    ierr = c_encoder_load(ctx, to_c(ckpt), int(max_batch, c_int), enc)
  end function

  integer(c_int) function liereg_probe_load(ctx, path, probe) result(ierr)
    type(c_ptr), intent(in) :: ctx
    character(len=*), intent(in) :: path
    type(c_ptr), intent(out) :: probe
    ierr = c_probe_load(ctx, to_c(path), probe)
  end function

  pure function to_c(s) result(c)
    character(len=*), intent(in) :: s
    character(kind=c_char) :: c(len_trim(s) + 1)
    integer :: i
    do i = 1, len_trim(s)
      c(i) = s(i:i)
    end do
    c(len_trim(s) + 1) = c_null_char
  end function
end module liereg
