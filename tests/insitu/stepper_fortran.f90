! The Fortran binding of the stepper API (module liereg: liereg_stepper_*) on a checkpoint of
! `liereg timestep -step_ckpt`: one deterministic history window, truth conditioning when the
! checkpoint has it, printed so the test can compare with the C API (stepper_ref.c).
!   stepper_fortran CKPT.h5
! Array layout: C's u[window][frame][point] is u(point, frame, window) in Fortran.
program stepper_fortran
  use mpi
  use, intrinsic :: iso_c_binding
  use liereg
  implicit none
  type(c_ptr) :: ctx, st
  type(lie_stepper_info) :: info
  character(len=1024) :: ckpt
  real(c_double), allocatable :: u(:, :), future(:, :), cond(:)
  real(c_double) :: dx(1), dt(1), s
  integer :: ierr, j, k

  call MPI_Init(ierr)
  call get_command_argument(1, ckpt)
  call check(liereg_ctx_create(MPI_COMM_SELF, ctx))
  call check(liereg_stepper_load(ctx, ckpt, 1, st))
  call check(liereg_stepper_get_info(st, info))

  allocate (u(info%nx, info%history), future(info%nx, info%future), cond(max(1, info%cond_dim)))
  do k = 1, info%history
    do j = 1, info%nx
      u(j, k) = 0.01d0 * mod(7 * (j - 1) + 13 * (k - 1), 97) - 0.48d0
    end do
  end do
  dx(1) = 1.0d0 / info%nx
  dt(1) = 0.05d0
  cond = -3.0d0                ! e.g. log nu for truth conditioning; unused when cond_dim = 0
  call check(liereg_stepper_predict(st, 1, info%history, info%nx, u, dx, dt, cond, future))
  s = sum(future)
  print '(a,i0,a,i0,a,i0,a,i0,a,es24.16,4es24.16)', 'fortran stepper H ', info%history, ' F ', info%future, &
    ' nx ', info%nx, ' cond ', info%cond_dim, ' sum=', s, future(1:2, 1), future(info%nx, info%future), &
    future(1, info%future)

  call check(liereg_stepper_destroy(st))
  call check(liereg_ctx_destroy(ctx))
  call MPI_Finalize(ierr)

contains
  subroutine check(code)
    integer(c_int), intent(in) :: code
    integer :: e
    if (code /= LIE_OK) then
      print '(a)', 'liereg: error: '//liereg_error_message()
      call MPI_Abort(MPI_COMM_WORLD, 1, e)
    end if
  end subroutine
end program stepper_fortran
