! In-situ inference from Fortran: embed a window of a 1D field with a pretrained liereg encoder
! and predict the viscosity nu with a saved probe (liereg probe -probe_save).
!   mpiexec -n 2 insitu_burgers_f CKPT.h5 PROBE.h5
! Every rank embeds its own window (here a deterministic test pattern standing in for the
! host's field: replace `u` by your solver's last crop_t frames) and prints its prediction.
! Array layout: C's u[window][frame][point] is u(point, frame, window) in Fortran.
program insitu_burgers_f
  use mpi
  use, intrinsic :: iso_c_binding
  use liereg
  implicit none
  type(c_ptr) :: ctx, enc, probe
  type(lie_encoder_info) :: info
  character(len=1024) :: ckpt, probe_path
  real(c_double), allocatable :: u(:, :)
  real(c_float), allocatable :: z(:)
  real(c_double) :: nu(1)
  integer :: ierr, rank, j, k

  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call get_command_argument(1, ckpt)
  call get_command_argument(2, probe_path)

  call check(liereg_ctx_create(MPI_COMM_WORLD, ctx))
  call check(liereg_encoder_load(ctx, ckpt, 1, enc))
  call check(liereg_encoder_get_info(enc, info))
  call check(liereg_probe_load(ctx, probe_path, probe))

  allocate (u(info%nx, info%crop_t), z(info%repr))
  do k = 1, info%crop_t        ! frame k at t0 + (k-1) dt
    do j = 1, info%nx          ! point j at (j-1) L/nx
      u(j, k) = 0.01d0 * mod(7 * (j - 1) + 13 * (k - 1), 97) - 0.48d0
    end do
  end do
  call check(liereg_encoder_embed(enc, 1, info%crop_t, info%nx, u, 0.0d0, info%L(1), z))
  call check(liereg_probe_predict(probe, 1, info%repr, z, nu))
  print '(a,i0,a,i0,a,es24.17,a,4es16.8)', 'fortran rank ', rank, ': repr ', info%repr, ' nu_pred=', nu(1), &
    ' z(1:4)=', z(1:4)

  call check(liereg_probe_destroy(probe))
  call check(liereg_encoder_destroy(enc))
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
end program insitu_burgers_f
