"""The launcher window (Tk, from Python's standard library: Windows, macOS, UOS/Kylin).

A skin over ``model.Launcher``: it shows the launcher's state and calls its methods, nothing
more. Drag and drop: Tk has none of its own (it needs the tkdnd extension), so a file is given
by the "选择文件…" button, as the command's argument, or by dropping it onto the launcher icon
(scripts/nianbao-gui.bat, scripts/nianbao.desktop pass the dropped file on).
"""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog, messagebox, ttk

from ..log import Logger
from .model import COLUMNS, FILE_TYPES, Launcher

log = Logger(__name__)

TITLE = "nianbao 政府信息公开年报校验"
OK_COLOUR, BAD_COLOUR = "#006100", "#9C0006"


class Window:
    def __init__(self, root: tk.Tk, launcher: Launcher) -> None:
        self.root, self.launcher = root, launcher
        root.title(TITLE)
        root.geometry("1100x560")
        root.minsize(720, 360)

        top = ttk.Frame(root, padding=8)
        top.pack(fill="x")
        ttk.Label(top, text="文件：").pack(side="left")
        self.path_var = tk.StringVar()
        ttk.Entry(top, textvariable=self.path_var, state="readonly").pack(
            side="left", fill="x", expand=True, padx=4)
        ttk.Button(top, text="选择文件…", command=self.on_choose).pack(side="left", padx=4)
        self.run_button = ttk.Button(top, text="校验并生成年报", command=self.on_run)
        self.run_button.pack(side="left", padx=4)

        self.status = tk.Label(root, anchor="w", justify="left", padx=8, pady=4, wraplength=1060)
        self.status.pack(fill="x")

        middle = ttk.Frame(root, padding=(8, 0))
        middle.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(middle, columns=[k for k, _, _ in COLUMNS], show="headings",
                                 selectmode="browse")
        for key, label, width in COLUMNS:
            self.tree.heading(key, text=label)
            self.tree.column(key, width=width, stretch=(key == "message"), anchor="w")
        self.tree.tag_configure("错误", foreground=BAD_COLOUR)
        scroll = ttk.Scrollbar(middle, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        self.tree.bind("<Double-1>", self.on_double)
        self.tree.bind("<Return>", self.on_double)

        bottom = ttk.Frame(root, padding=8)
        bottom.pack(fill="x")
        self.results_button = ttk.Button(bottom, text="打开工作簿（校验结果）",
                                         command=launcher.open_results)
        self.results_button.pack(side="left", padx=4)
        self.report_button = ttk.Button(bottom, text="打开 Word 报告", command=launcher.open_report)
        self.report_button.pack(side="left", padx=4)
        ttk.Button(bottom, text="关闭", command=root.destroy).pack(side="right", padx=4)
        self.refresh()

    def refresh(self) -> None:
        """Show the launcher's state."""
        la = self.launcher
        self.path_var.set(str(la.path) if la.path else "")
        colour = {True: OK_COLOUR, False: BAD_COLOUR}.get(la.ok, "black")  # type: ignore[arg-type]
        self.status.configure(text=la.status, fg=colour)
        self.tree.delete(*self.tree.get_children())
        for i, row in enumerate(la.rows):
            self.tree.insert("", "end", iid=str(i), values=row.values(), tags=(row.severity,))
        self.run_button.state(["!disabled"] if la.path else ["disabled"])
        self.results_button.state(["!disabled"] if la.results_in else ["disabled"])
        self.report_button.state(["!disabled"] if la.report else ["disabled"])

    def on_choose(self) -> None:
        name = filedialog.askopenfilename(parent=self.root, title="选择要校验的文件",
                                          filetypes=FILE_TYPES)
        if name:
            self.launcher.choose(name)
            self.refresh()

    def on_run(self) -> None:
        self.root.configure(cursor="watch")
        self.status.configure(text="正在校验……", fg="black")
        self.root.update_idletasks()
        try:
            self.launcher.run()
        finally:
            self.root.configure(cursor="")
        self.refresh()

    def on_double(self, event: object = None) -> None:
        selected = self.tree.selection()
        if selected:
            messagebox.showinfo("问题所在位置", self.launcher.detail(int(selected[0])), parent=self.root)


def main(path: Path | str | None = None, run: bool = True) -> int:
    """Open the window (with ``path`` chosen, and checked at once if ``run``)."""
    try:
        root = tk.Tk()
    except tk.TclError as exc:
        from ..errors import MissingProgram
        log.debug("no window: %s", exc)  # Tk's English reason, for --debug
        raise MissingProgram("无法打开窗口：没有图形界面（桌面环境）。"
                             "请在桌面环境中运行，或使用 nianbao check") from None
    launcher = Launcher()
    window = Window(root, launcher)
    if path:
        launcher.choose(path)
        window.refresh()
        if run:
            root.after(100, window.on_run)
    root.mainloop()
    return 0
