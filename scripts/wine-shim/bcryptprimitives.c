/*
 * bcryptprimitives.dll for Wine 8, with the one function Rust's standard library needs.
 *
 * Why it exists: since Rust 1.78, std on Windows gets its random numbers (HashMap keys)
 * from ProcessPrng in bcryptprimitives.dll. Debian 12's Wine 8 has no such DLL, so every
 * Rust exe, secassess.exe included, stops before main with status c0000135 (DLL not
 * found). scripts/windows-smoke.sh builds this file with x86_64-w64-mingw32-gcc and puts
 * it in the throwaway Wine prefix's system32, never next to dist/secassess.exe: the exe
 * users get is the one tested, and it needs nothing on real Windows 10 and later, which
 * ship bcryptprimitives.dll.
 *
 * When it can go: Wine 9.0 and later have bcryptprimitives.dll with ProcessPrng (it came
 * in development release 8.13), and scripts/windows-smoke.sh already skips this shim for
 * them. Once CI runs on a machine whose Wine is 9 or later (Debian 13's is 10), delete
 * this folder and the shim step in scripts/windows-smoke.sh.
 *
 * What it does: fills the buffer from RtlGenRandom (advapi32's SystemFunction036), the
 * system's cryptographic generator, in chunks because RtlGenRandom takes a 32-bit length.
 * ProcessPrng's documented contract is that it always returns TRUE; this returns FALSE if
 * RtlGenRandom ever fails, so std reports an error instead of using an unfilled buffer.
 */
#include <windows.h>

/* RtlGenRandom: declared by hand because <ntsecapi.h> only gives it under a macro name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
