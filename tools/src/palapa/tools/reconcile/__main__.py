from palapa.tools.scratch import stop_like_ctrl_c

from .command import main

stop_like_ctrl_c()  # its scratch platform is stopped, none of it left behind
main()
