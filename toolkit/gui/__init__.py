"""The desktop launcher (``nianbao gui``): one window, one button, for WPS and Linux desktops
where the Excel button cannot run. ``model`` holds everything it does (testable without a
display); ``window`` is the Tk skin over it.
"""
