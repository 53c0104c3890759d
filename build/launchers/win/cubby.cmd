@echo off
rem cubby.cmd, installed next to Cubby.exe: the command line for IT. It runs the installed app in
rem its command-line mode without a window, passes every argument through and returns its exit code.
"%~dp0Cubby.exe" --cli --disable-gpu %*
exit /b %ERRORLEVEL%
