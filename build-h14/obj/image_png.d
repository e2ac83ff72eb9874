build-h14/obj/image_png.o: src/image_png.c src/image_int.h src/image.h \
 src/util.h /usr/include/libpng16/png.h \
 /usr/include/libpng16/pnglibconf.h /usr/include/libpng16/pngconf.h
src/image_int.h:
src/image.h:
src/util.h:
/usr/include/libpng16/png.h:
/usr/include/libpng16/pnglibconf.h:
/usr/include/libpng16/pngconf.h:
