@echo off
rem nianbao 校验窗口（Windows）：双击打开；把工作簿拖到本文件图标上，打开后立即校验该文件。
rem 用 install.py 建立的虚拟环境（项目或离线安装包文件夹中的 .venv）；没有时用已安装 nianbao 的 Python。
chcp 65001 >nul
for %%d in ("%~dp0..\.venv" "%~dp0.venv") do if exist "%%~d\Scripts\pythonw.exe" (start "" "%%~d\Scripts\pythonw.exe" -m toolkit gui %1 & exit /b 0)
where pyw >nul 2>nul && pyw -3 -c "import toolkit" >nul 2>nul && (start "" pyw -3 -m toolkit gui %1 & exit /b 0)
where pythonw >nul 2>nul && python -c "import toolkit" >nul 2>nul && (start "" pythonw -m toolkit gui %1 & exit /b 0)
echo 没有找到已安装 nianbao 的 Python：请先安装 Python 3.10 或更新版本，再在 nianbao 文件夹中运行 py scripts\install.py
echo （离线安装包：双击“安装.bat”）。详见 README 的“在 Windows 上”一节。
pause
exit /b 2
