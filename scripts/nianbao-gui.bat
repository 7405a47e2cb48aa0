@echo off
rem nianbao 校验窗口（Windows）：双击打开；把工作簿拖到本文件图标上，打开后立即校验该文件。
rem 需要已安装 Python 和 nianbao（见 docs/excel.md）。
chcp 65001 >nul
where pyw >nul 2>nul && (start "" pyw -3 -m toolkit gui %1 & exit /b 0)
where pythonw >nul 2>nul && (start "" pythonw -m toolkit gui %1 & exit /b 0)
where python >nul 2>nul && (python -m toolkit gui %1 & exit /b %errorlevel%)
echo 没有找到 Python：请先安装 Python 3.10 或更新版本，再运行 pip install nianbao（见 docs/excel.md）。
pause
exit /b 2
