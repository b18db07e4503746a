; In-context launch (issue 14): the NSIS installer registers scr-desktop:// for every user of the
; machine (SHELL_CONTEXT is HKLM for this per-machine installer). electron-builder's `protocols`
; reaches only macOS and the Linux .desktop file, not NSIS or MSI; the app also registers itself
; for the current user at start (main/electron/lifecycle.ts), which is what an MSI install relies on.
; Why `--` before "%1": Chromium reads no switch after `--`, so a crafted link cannot add switches
; such as --gpu-launcher to the command line (CVE-2018-1000006; hazard HAZ-081).
!macro customInstall
  WriteRegStr SHELL_CONTEXT "Software\Classes\scr-desktop" "" "URL:SCR Desktop in-context launch"
  WriteRegStr SHELL_CONTEXT "Software\Classes\scr-desktop" "URL Protocol" ""
  WriteRegStr SHELL_CONTEXT "Software\Classes\scr-desktop\DefaultIcon" "" "$appExe,0"
  WriteRegStr SHELL_CONTEXT "Software\Classes\scr-desktop\shell\open\command" "" '"$appExe" -- "%1"'
!macroend

!macro customUnInstall
  DeleteRegKey SHELL_CONTEXT "Software\Classes\scr-desktop"
!macroend
